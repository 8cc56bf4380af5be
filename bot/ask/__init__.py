"""Asking the knowledge base: retrieval, grounded answers, abstention, feedback."""
