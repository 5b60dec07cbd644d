"""Prompt templates and customer-facing reply templates, one module per node."""
