"""Trust: who may see which knowledge, retention and forgetting, limits on hostile input."""
