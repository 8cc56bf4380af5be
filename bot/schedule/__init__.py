"""One scheduler for digests, pulse closes and recurring pulses."""
