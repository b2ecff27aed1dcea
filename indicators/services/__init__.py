"""Writes: loading bundled data, the demo, and the synthetic stand-ins."""
