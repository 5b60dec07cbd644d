"""Encryption at rest: the key ring, sealed database columns, and key rotation."""
