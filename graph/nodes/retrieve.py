"""The retrieve node: knowledge-base passages for the latest customer message."""

from __future__ import annotations

import logging
from typing import Any

from supportgraph.graph.nodes.understand import last_customer_text
from supportgraph.graph.state import State
from supportgraph.guardrails.knowledge import detect_poisoned_passage

logger = logging.getLogger(__name__)

SKIP_INTENTS = frozenset({"affirm", "deny", "greeting", "thanks", "goodbye", "identify"})
"""Intents whose messages carry no question for the knowledge base."""
TOP_K = 4


async def retrieve_knowledge(state: State, *, services: Any) -> dict[str, Any]:
    """Search the knowledge base, so replies can quote and cite the store's own text.

    A passage carrying instructions, a customer's data or a payment lure is dropped: both
    responders treat a passage as the store's own word, and the flow responder quotes it.
    """
    text = last_customer_text(state)
    if not text or state.intent in SKIP_INTENTS:
        return {"retrieved": []}
    passages = await services.knowledge.search(text, k=TOP_K)
    kept = []
    for p in passages:
        verdict = detect_poisoned_passage(f"{p.title}\n{p.text}")
        if verdict.flagged:
            logger.warning("knowledge passage %s dropped: %s", p.id, verdict.reason)
            continue
        kept.append({"id": p.id, "title": p.title, "text": p.text, "score": round(p.score, 4)})
    return {"retrieved": kept}
