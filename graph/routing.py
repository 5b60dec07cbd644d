"""Routers: pure functions from state to the next node."""

from __future__ import annotations

from typing import Literal

from langchain_core.messages import AIMessage, ToolMessage

from supportgraph.commerce.port import TRANSFER_TOOL
from supportgraph.graph.state import State

MAX_FAILURES = 3
"""Failed tool calls in a row before a human takes over."""
MAX_NEGATIVE_TURNS = 2
"""Strongly negative customer messages in a row before a human takes over."""
MAX_TOOL_ROUNDS = 10
"""Tool executions within one customer turn before a human takes over."""


def escalation_reason(state: State) -> str:
    """Why this thread should go to a human now, or an empty string."""
    if _transfer_ran(state):
        return "transfer_tool"
    if state.safety and "escalate" in state.safety.get("tags", []):
        return "guardrail"
    if state.intent == "human_agent":
        return "requested"
    if state.negative_turns >= MAX_NEGATIVE_TURNS:
        return "negative_sentiment"
    if state.failures >= MAX_FAILURES:
        return "repeated_failure"
    if state.tool_rounds >= MAX_TOOL_ROUNDS:
        return "tool_budget"
    if state.rule:
        return "rule"
    return ""


def route_start(state: State) -> Literal["understand", "escalate"]:
    """A thread already handed to a human stays with the human."""
    return "escalate" if state.escalation else "understand"


def route_after_safety(state: State) -> Literal["refuse", "escalate", "retrieve"]:
    """Refuse flagged messages, hand off when needed, otherwise go on to answer."""
    if escalation_reason(state):
        return "escalate"
    if state.safety and state.safety.get("flagged"):
        return "refuse"
    return "retrieve"


def route_after_respond(state: State) -> Literal["gate", "__end__"]:
    """Tool calls go through the policy gate; text goes to the customer."""
    last = state.messages[-1] if state.messages else None
    return "gate" if isinstance(last, AIMessage) and last.tool_calls else "__end__"


def route_after_gate(state: State) -> Literal["confirm", "tools", "respond"]:
    """A held write waits for confirmation; allowed calls run; denials go back to respond."""
    if state.pending_action:
        return "confirm"
    return "tools" if state.ready_calls else "respond"


def route_after_confirm(state: State) -> Literal["tools", "understand"]:
    """A yes runs the write; any other answer is a new customer turn."""
    return "tools" if state.ready_calls else "understand"


def route_after_tools(state: State) -> Literal["escalate", "respond"]:
    """After a transfer, repeated failures or a runaway loop, a human takes over."""
    return "escalate" if escalation_reason(state) else "respond"


def _transfer_ran(state: State) -> bool:
    last = state.messages[-1] if state.messages else None
    return isinstance(last, ToolMessage) and last.name == TRANSFER_TOOL
