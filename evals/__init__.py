"""Evaluations: LangSmith-format datasets, evaluators and runners for the support agent."""
