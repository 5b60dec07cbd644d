"""Reference commerce services: the τ-bench retail store behind one port."""
