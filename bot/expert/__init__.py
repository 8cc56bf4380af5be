"""Experts: questions escalated to a collection's owners, and their answers saved as verified knowledge."""
