"""The understand node: intent, entities and sentiment of the latest customer message."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from langchain_core.messages import HumanMessage

from supportgraph.graph.state import State

HUMAN_REQUEST = re.compile(
    r"\b(human|agent|representative|real person|supervisor|manager|someone real)\b", re.I
)
HANDOFF_CONFIDENCE = 0.8
"""The classifier alone hands a conversation off only at this confidence or above."""
NEGATIVE_SENTIMENT = -0.6
"""A message at or below this score counts as strongly negative."""


def last_customer_text(state: State) -> str:
    """Text of the latest customer message, or an empty string."""
    for message in reversed(state.messages):
        if isinstance(message, HumanMessage):
            return message.text if hasattr(message, "text") else str(message.content)
    return ""


async def understand_message(state: State, *, services: Any) -> dict[str, Any]:
    """Classify the latest customer message and read its entities and sentiment."""
    text = last_customer_text(state)
    understanding = services.nlu.understand(text)
    intent, confidence = understanding.intent, understanding.confidence
    # Asking for a person in words is honoured whatever the classifier thinks; a handoff on
    # the classifier alone needs it to be sure, else its runner-up stands.
    if HUMAN_REQUEST.search(text):
        intent, confidence = "human_agent", 1.0
    elif intent == "human_agent" and confidence < HANDOFF_CONFIDENCE:
        intent, confidence = next(
            ((i, c) for i, c in understanding.ranking if i != "human_agent"), ("out_of_scope", 0.0)
        )
    negative = understanding.sentiment <= NEGATIVE_SENTIMENT
    return {
        "intent": intent,
        "confidence": confidence,
        "entities": understanding.entities,
        "requests": [asdict(r) for r in services.nlu.requests(text)],
        "sentiment": understanding.sentiment,
        "negative_turns": state.negative_turns + 1 if negative else 0,
        "safety": None,
        "retrieved": [],
        "tool_rounds": 0,
    }
