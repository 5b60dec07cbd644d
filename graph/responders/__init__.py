"""Responders: the deterministic flow responder and the LLM responder."""
