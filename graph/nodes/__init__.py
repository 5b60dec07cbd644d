"""Graph nodes, one small module each."""
