"""Knowledge gaps: the unanswered and thumbs-down questions, grouped by meaning, for the dashboard."""
