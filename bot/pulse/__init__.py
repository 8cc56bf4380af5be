"""Pulse checks: short anonymous polls in a channel, closed on time, with results over time."""
