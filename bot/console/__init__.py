"""The console adapter: try cxbot in a terminal, no chat account needed."""
