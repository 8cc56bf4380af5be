"""The knowledge store (Chroma) and hybrid retrieval over it."""
