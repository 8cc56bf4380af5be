"""cxbot: a customer-experience chatbot for Slack and Microsoft Teams."""

__version__ = "0.1.0"
