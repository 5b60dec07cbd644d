"""The support graph."""
