"""The escalate node: hands the conversation to a human agent."""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage

from supportgraph.commerce.port import TRANSFER_TOOL
from supportgraph.graph.routing import escalation_reason
from supportgraph.graph.state import State
from supportgraph.prompts.safety import HANDOFF, HANDOFF_REASONS, HANDOFF_WAITING

logger = logging.getLogger(__name__)

PRIORITY = {"negative_sentiment": "HIGH", "guardrail": "HIGH", "repeated_failure": "HIGH"}
"""Queue priority of the graph's own handoffs; a matching escalation rule sets its own."""


async def escalate_to_human(state: State, *, services: Any) -> dict[str, Any]:
    """Record the handoff with its reason and priority, and tell the customer."""
    if state.escalation is not None:
        return {"messages": [AIMessage(content=HANDOFF_WAITING)]}
    reason = escalation_reason(state)
    summary = _summary(state, reason)
    if not _transfer_called(state):
        await services.commerce.call(TRANSFER_TOOL, {"summary": summary})
    rule = state.rule or {}
    escalation = {
        "reason": reason,
        "priority": rule.get("priority") or PRIORITY.get(reason, "MEDIUM"),
        "specialization": rule.get("specialization"),
        "rule_id": rule.get("rule_id"),
        "summary": summary,
        "customer_id": state.customer["user_id"] if state.customer else None,
    }
    logger.info("escalated: %s (%s)", reason, escalation["priority"])
    return {"escalation": escalation, "messages": [AIMessage(content=HANDOFF)]}


def _transfer_called(state: State) -> bool:
    last = state.messages[-2] if len(state.messages) > 1 else None
    return bool(last and any(c["name"] == TRANSFER_TOOL for c in getattr(last, "tool_calls", [])))


def _summary(state: State, reason: str) -> str:
    asks = [m.content for m in state.messages if isinstance(m, HumanMessage)][-3:]
    who = state.customer["user_id"] if state.customer else "unverified customer"
    return (
        f"Handoff because {HANDOFF_REASONS.get(reason, reason)}. Customer: {who}. "
        f"Last intent: {state.intent or 'unknown'}. Recent messages: {' | '.join(map(str, asks))}"
    )
