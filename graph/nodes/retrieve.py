"""The retrieve node: knowledge-base passages for the latest customer message."""

from __future__ import annotations

from typing import Any

from supportgraph.graph.nodes.understand import last_customer_text
from supportgraph.graph.state import State

SKIP_INTENTS = frozenset({"affirm", "deny", "greeting", "thanks", "goodbye", "identify"})
"""Intents whose messages carry no question for the knowledge base."""
TOP_K = 4


async def retrieve_knowledge(state: State, *, services: Any) -> dict[str, Any]:
    """Search the knowledge base, so replies can quote and cite the store's own text."""
    text = last_customer_text(state)
    if not text or state.intent in SKIP_INTENTS:
        return {"retrieved": []}
    passages = await services.knowledge.search(text, k=TOP_K)
    return {
        "retrieved": [
            {"id": p.id, "title": p.title, "text": p.text, "score": round(p.score, 4)}
            for p in passages
        ]
    }
