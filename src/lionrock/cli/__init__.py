"""Command line: the only layer that prints."""
