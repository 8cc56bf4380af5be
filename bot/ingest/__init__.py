"""Loading, splitting and indexing documents into the knowledge store."""
