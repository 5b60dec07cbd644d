"""The understand node: intent, entities and sentiment of the latest customer message."""

from __future__ import annotations

import asyncio
import re
from dataclasses import asdict
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from supportgraph.api.rules import TurnFacts
from supportgraph.graph.nodes.tools import customer_record
from supportgraph.graph.state import State, SupportContext

_PERSON = (
    r"(?:a\s+|an\s+|the\s+|your\s+|some\s+)?(?:human|live|real|actual)?\s*"
    r"(?:human|agent|representative|rep|person|supervisor|manager|operator|someone\s+real|somebody)"
)
HUMAN_REQUEST = re.compile(
    rf"\b(?:talk|speak|chat)\s+(?:to|with)\s+{_PERSON}\b"
    rf"|\b(?:connect|transfer|escalate|put|pass|hand)\s+(?:me|this|it|us)\s+(?:through\s+)?(?:to|over\s+to|with)\s+{_PERSON}\b"
    rf"|\b(?:want|need|like|get\s+me|give\s+me|let\s+me\s+talk\s+to)\s+(?:to\s+(?:talk|speak)\s+(?:to|with)\s+)?{_PERSON}\b"
    r"|^\W*(?:an?\s+)?(?:human|agent|representative|supervisor|manager|operator|real person)"
    r"(?:\s+please)?\W*$",
    re.I,
)
"""A request for a person, in words: 'talk to a human', 'get me a supervisor', 'agent'. The
word alone inside a sentence ('if the agent asks…', 'your agent said') is not one."""
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


async def understand_message(
    state: State, runtime: Runtime[SupportContext], *, services: Any
) -> dict[str, Any]:
    """Classify the latest customer message and read its entities and sentiment.

    A customer signed in with a USER token is the thread's customer from the first turn: the
    server vouches for them through the run's context, which no message can change.
    """
    text = last_customer_text(state)
    # The encoder and the pattern readers are CPU-bound: off the event loop, so one long turn
    # never holds up the others.
    understanding, requests = await asyncio.to_thread(_read, services.nlu, text)
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
    negative_turns = state.negative_turns + 1 if negative else 0
    facts = TurnFacts(
        text=text,
        intent=intent,
        confidence=confidence,
        sentiment=understanding.sentiment,
        failures=state.failures,
        negative_turns=negative_turns,
    )
    rule = await asyncio.to_thread(_rule, getattr(services, "rules", None), facts)
    update: dict[str, Any] = {}
    signed_in = runtime.context.signed_in_user_id if runtime.context else None
    if signed_in and state.customer is None:
        update["customer"] = await customer_record(signed_in, services)
    return update | {
        "intent": intent,
        "confidence": confidence,
        "entities": understanding.entities,
        "requests": [asdict(r) for r in requests],
        "sentiment": understanding.sentiment,
        "negative_turns": negative_turns,
        "rule": rule,
        "safety": None,
        "retrieved": [],
        "tool_rounds": 0,
    }


def _read(nlu: Any, text: str) -> tuple[Any, list[Any]]:
    return nlu.understand(text), nlu.requests(text)


def _rule(rules: Any, facts: TurnFacts) -> dict[str, Any] | None:
    """The escalation rule this turn matches (`services.rules`, a `RuleBook`), if any."""
    match = rules.match(facts) if rules is not None else None
    return match.as_dict() if match else None
