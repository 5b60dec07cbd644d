"""Evaluations: LangSmith-format datasets, evaluators and runners for the support agent."""

from __future__ import annotations

__all__: list[str] = []
