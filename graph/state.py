"""Conversation state: what the graph remembers about one support thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages


@dataclass(kw_only=True)
class InputState:
    """What a caller sends: new messages for the thread."""

    messages: Annotated[list[AnyMessage], add_messages] = field(default_factory=list)
    """The conversation, appended to by every node (`add_messages` merges by id)."""


@dataclass(frozen=True, kw_only=True)
class SupportContext:
    """Per-turn facts the server vouches for; never read from the conversation."""

    signed_in_user_id: str | None = None
    """The store user id of a customer signed in with a USER token: the thread's customer."""


class Customer(TypedDict):
    """The verified customer of this thread. Only the tools node creates one."""

    user_id: str
    name: str
    order_ids: list[str]
    payment_method_ids: list[str]


@dataclass(kw_only=True)
class State(InputState):
    """The whole thread state. Fields without a reducer are replaced by updates."""

    customer: Customer | None = None
    """Set only when an identity tool succeeds; never by a responder."""

    intent: str = ""
    """Intent of the latest customer message."""

    confidence: float = 0.0
    """Calibrated probability of `intent`."""

    entities: dict[str, Any] = field(default_factory=dict)
    """Entities read from the latest customer message."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    """The latest message's separate requests (intent, entities, text) when it holds several."""

    sentiment: float = 0.0
    """Sentiment of the latest customer message, in [-1, 1]."""

    negative_turns: int = 0
    """Consecutive customer messages with strongly negative sentiment."""

    safety: dict[str, Any] | None = None
    """Guardrail verdict on the latest customer message: flagged, reason, tags."""

    rule: dict[str, Any] | None = None
    """The escalation rule the latest customer turn matched: rule_id, name, priority,
    specialization; None when no rule holds."""

    retrieved: list[dict[str, Any]] = field(default_factory=list)
    """Knowledge-base passages for the latest message: id, title, text, score."""

    flow: dict[str, Any] = field(default_factory=dict)
    """The flow responder's memory: the customer's goal and the slots collected so far."""

    ready_calls: list[dict[str, Any]] = field(default_factory=list)
    """Tool calls the policy gate let through, waiting for the tools node."""

    declined: str | None = None
    """The write the customer's latest answer did not confirm, until the responder has read it."""

    pending_action: dict[str, Any] | None = None
    """A write waiting for the customer's yes: call, summary."""

    tool_rounds: int = 0
    """Tool executions since the latest customer message; bounds runaway loops."""

    failures: int = 0
    """Failed tool calls and misunderstood turns in a row."""

    escalation: dict[str, Any] | None = None
    """Set once the thread is handed to a human: reason, priority, summary."""


@dataclass(kw_only=True)
class OutputState:
    """What a caller gets back."""

    messages: list[AnyMessage] = field(default_factory=list)
    escalation: dict[str, Any] | None = None
    pending_action: dict[str, Any] | None = None
