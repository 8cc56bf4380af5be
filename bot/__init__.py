"""cxbot: a customer-experience chatbot for Slack and Microsoft Teams."""

import os

# Set before numpy loads its BLAS: the matrices cxbot multiplies per question are small, and idle
# BLAS threads spin on the cores the embedding model needs next (measured: query embedding
# 25 → 140 ms after one multithreaded product). An operator's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
