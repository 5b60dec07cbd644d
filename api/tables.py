"""The support platform's tables.

Conversations, their messages and the customers' feedback; the human side (agents and the
escalation rules); the knowledge base and which answers cited it; and the outbox of published
events. They live beside the commerce store (the same Postgres database, or `store.db` on
SQLite) and are created and upgraded only by the Alembic migrations in `api/migrations`.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from supportgraph.encryption.columns import SealedJSON, SealedText


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def _json(default: list[Any] | dict[str, Any]) -> Any:
    column = Column(JSON, nullable=False)
    return Field(default_factory=lambda: copy.deepcopy(default), sa_column=column)


def _sealed_json(context: str, default: list[Any] | dict[str, Any]) -> Any:
    column: Column[Any] = Column(SealedJSON(context), nullable=False)
    return Field(default_factory=lambda: copy.deepcopy(default), sa_column=column)


def _sealed_text(context: str) -> Any:
    return Field(default="", sa_column=Column(SealedText(context), nullable=False, default=""))


def _timestamp(*, nullable: bool = False, index: bool = False) -> datetime:
    column = Column(DateTime(timezone=True), nullable=nullable, index=index)
    if nullable:
        return Field(default=None, sa_column=column)
    return Field(default_factory=utcnow, sa_column=column)


class ConversationStatus(StrEnum):
    """Where a conversation stands."""

    ACTIVE = "ACTIVE"
    """The agent is answering."""
    ESCALATED = "ESCALATED"
    """Handed off; waiting in the queue for a human."""
    ASSIGNED = "ASSIGNED"
    """A human agent owns it; the graph does not answer."""
    RESOLVED = "RESOLVED"
    """Closed as resolved by the customer, an agent or an admin."""


class Priority(StrEnum):
    """How soon a human should look at a conversation."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    URGENT = "URGENT"


class Sender(StrEnum):
    """Who wrote a message."""

    CUSTOMER = "CUSTOMER"
    AI = "AI"
    AGENT = "AGENT"
    SYSTEM = "SYSTEM"


class MessageType(StrEnum):
    """What kind of message it is."""

    TEXT = "TEXT"
    VOICE_TRANSCRIPT = "VOICE_TRANSCRIPT"
    SYSTEM = "SYSTEM"


class Conversation(SQLModel, table=True):
    """One support conversation; its id is the graph's thread id."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_owner_updated", "owner_id", "updated_at"),)

    id: str = Field(primary_key=True, max_length=40)
    owner_id: str | None = Field(default=None, max_length=128)
    """The store user id of a signed-in customer; None for an anonymous conversation."""
    anonymous: bool = False
    customer_id: str | None = Field(default=None, max_length=128)
    """The store user the conversation is about, once known (token or in-chat verification)."""
    channel: str = Field(default="web", max_length=32)
    status: ConversationStatus = Field(default=ConversationStatus.ACTIVE, sa_type=String(16))
    priority: Priority = Field(default=Priority.MEDIUM, sa_type=String(16))
    sentiment: float = 0.0
    """Sentiment of the latest customer message, in [-1, 1]."""
    assigned_agent_id: str | None = Field(default=None, max_length=128, index=True)
    subject: str = _sealed_text("conversations.subject")
    """Sealed at rest, like everything a customer wrote (`encryption`)."""
    language: str = Field(default="en", max_length=8)
    """The customer's language (BCP 47 primary tag); agents are matched on it."""
    specialization: str | None = Field(default=None, max_length=64)
    """The skill a human needs for it (e.g. `returns`, `billing`), set by the escalation rules."""
    escalation_reason: str | None = Field(default=None, max_length=64)
    escalation_rule_id: str | None = Field(default=None, max_length=40)
    """The escalation rule that fired, when a rule sent it to the queue."""
    resolved_by: str | None = Field(default=None, max_length=16)
    """Who closed it: `AI` (the customer, with no human involved), `AGENT` or `ADMIN`."""
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    escalated_at: datetime | None = _timestamp(nullable=True)
    """When it last joined the human queue."""
    assigned_at: datetime | None = _timestamp(nullable=True)
    """When a human last took it."""
    resolved_at: datetime | None = _timestamp(nullable=True)


class Message(SQLModel, table=True):
    """One message of a conversation, in the order it was written."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_created", "conversation_id", "created_at"),)

    id: str = Field(primary_key=True, max_length=40)
    conversation_id: str = Field(foreign_key="conversations.id", max_length=40)
    sender: Sender = Field(sa_type=String(16))
    sender_id: str | None = Field(default=None, max_length=128)
    type: MessageType = Field(default=MessageType.TEXT, sa_type=String(24))
    content: str = _sealed_text("messages.content")
    confidence_score: float | None = None
    """The agent's confidence in its reply (AI messages only)."""
    intent: str | None = Field(default=None, max_length=64)
    processing_time_ms: int | None = None
    citations: list[dict[str, Any]] = _sealed_json("messages.citations", [])
    """The sources an AI answer came from: `{"source": "kb"|"tool"|"guardrail", "ref", ...}`."""
    details: dict[str, Any] = _sealed_json("messages.details", {})
    """What the agent decided on the way, e.g. the guardrail verdict on a customer message."""
    created_at: datetime = _timestamp()


class Feedback(SQLModel, table=True):
    """A customer's feedback on a conversation, or on one answer in it."""

    __tablename__ = "feedback"

    id: str = Field(primary_key=True, max_length=40)
    conversation_id: str = Field(foreign_key="conversations.id", max_length=40, index=True)
    message_id: str | None = Field(default=None, foreign_key="messages.id", max_length=40)
    """The answer rated; None rates the conversation as a whole."""
    rating: int | None = Field(default=None, ge=1, le=5)
    helpful: bool | None = None
    """Thumbs up (True) or down (False) on the answer."""
    comment: str = _sealed_text("feedback.comment")
    follow_up_required: bool = False
    """The customer still needs something done."""
    created_at: datetime = _timestamp(index=True)


class AgentStatus(StrEnum):
    """Whether a human agent takes new conversations."""

    AVAILABLE = "AVAILABLE"
    BUSY = "BUSY"
    AWAY = "AWAY"
    OFFLINE = "OFFLINE"


class SupportAgentRow(SQLModel, table=True):
    """A human support agent: who they are and what they can take."""

    __tablename__ = "support_agents"

    id: str = Field(primary_key=True, max_length=128)
    """The agent's token subject."""
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=254)
    status: AgentStatus = Field(default=AgentStatus.OFFLINE, sa_type=String(16))
    specializations: list[str] = _json([])
    languages: list[str] = _json(["en"])
    max_concurrent: int = Field(default=3, ge=1, le=50)
    """Conversations the agent holds at once before assignment skips them."""
    last_assigned_at: datetime | None = _timestamp(nullable=True)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class EscalationRule(SQLModel, table=True):
    """One admin-editable handoff rule: a JSON condition and what to do when it holds."""

    __tablename__ = "escalation_rules"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    priority: int = Field(default=100, index=True)
    """Evaluation order: lower first; the first rule whose condition holds decides."""
    enabled: bool = True
    condition: dict[str, Any] = _json({})
    action: dict[str, Any] = _json({})
    """`{"escalate": true, "priority": "HIGH", "specialization": "billing"}`."""
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    updated_by: str | None = Field(default=None, max_length=128)


class KnowledgeEntry(SQLModel, table=True):
    """One knowledge-base entry; the search index follows this table."""

    __tablename__ = "knowledge_entries"

    id: str = Field(primary_key=True, max_length=160)
    """`policy/<slug>` and `faq/<id>` for shipped entries, `kb_<hex>` for an admin's."""
    title: str = Field(max_length=300)
    content: str = Field(sa_column=Column(Text, nullable=False))
    category: str = Field(default="general", max_length=64, index=True)
    tags: list[str] = _json([])
    source: str = Field(default="admin", max_length=16)
    """`policy` or `faq` (shipped), or `admin`."""
    version: int = 1
    """Raised by every change; a client's `version` must match to update or delete."""
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
    updated_by: str | None = Field(default=None, max_length=128)
    deleted_at: datetime | None = _timestamp(nullable=True)
    """Set when an admin deletes it: out of the index for good, and never re-seeded."""


class KnowledgeCitation(SQLModel, table=True):
    """An AI answer that cited a knowledge-base entry (counts `usage_count`)."""

    __tablename__ = "knowledge_citations"

    message_id: str = Field(foreign_key="messages.id", primary_key=True, max_length=40)
    entry_id: str = Field(primary_key=True, max_length=160, index=True)
    """No foreign key: a deleted entry's history stays."""
    conversation_id: str = Field(max_length=40, index=True)
    created_at: datetime = _timestamp()


class OutboxEvent(SQLModel, table=True):
    """An integration event, written in the same transaction as the change it reports."""

    __tablename__ = "outbox_events"
    __table_args__ = (UniqueConstraint("event_id", name="uq_outbox_events_event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=40)
    """Globally unique id, the consumers' idempotency key."""
    type: str = Field(max_length=64)
    conversation_id: str | None = Field(default=None, max_length=40, index=True)
    payload: dict[str, Any] = _sealed_json("outbox_events.payload", {})
    created_at: datetime = _timestamp()
    published_at: datetime | None = _timestamp(nullable=True, index=True)
    """When the relay handed it to every sink; None while it waits."""
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class WebhookDelivery(SQLModel, table=True):
    """One event's delivery to one webhook endpoint, retried with backoff until it lands."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "endpoint", name="uq_webhook_deliveries_event_endpoint"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=40)
    endpoint: str = Field(max_length=500)
    status: str = Field(default="PENDING", max_length=16, index=True)
    """`PENDING`, `DELIVERED`, or `FAILED` once the attempts are spent."""
    attempts: int = 0
    next_attempt_at: datetime = _timestamp(index=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    delivered_at: datetime | None = _timestamp(nullable=True)
    created_at: datetime = _timestamp()


class AuditEvent(SQLModel, table=True):
    """Who on the support team read or changed what.

    Append-only: the database refuses updates, and deletes outside the retention purge.
    """

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = _timestamp(index=True)
    actor_id: str = Field(max_length=128, index=True)
    actor_role: str = Field(max_length=16)
    action: str = Field(max_length=64, index=True)
    """`conversation.read`, `customer.read`, `knowledge.create`, `rule.update`, ..."""
    target_type: str = Field(max_length=32)
    target_id: str | None = Field(default=None, max_length=200, index=True)
    details: dict[str, Any] = _json({})
    """What identifies the change (fields, versions), never message content."""


class AuditPurge(SQLModel, table=True):
    """The retention purge's cut-off, present only inside the purge's own transaction.

    The audit log's guard lets a row older than it be deleted, and nothing else.
    """

    __tablename__ = "audit_purge"

    id: int | None = Field(default=None, primary_key=True)
    before: datetime = _timestamp()


class EncryptionCanary(SQLModel, table=True):
    """A known value sealed with one key: proof that a process holds the keys of this database."""

    __tablename__ = "encryption_canaries"

    kid: str = Field(primary_key=True, max_length=64)
    sealed: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _timestamp()


PLATFORM_TABLES = [
    table.__table__  # type: ignore[attr-defined,union-attr]
    for table in (
        Conversation,
        Message,
        Feedback,
        SupportAgentRow,
        EscalationRule,
        KnowledgeEntry,
        KnowledgeCitation,
        OutboxEvent,
        WebhookDelivery,
        AuditEvent,
        AuditPurge,
        EncryptionCanary,
    )
]
"""The tables the migrations own; the commerce store's tables are not among them."""


class AnalyticsDay(SQLModel, table=True):
    """What the retention purge and erasures removed from one UTC day's analytics figures.

    The reports add these figures to the ones still computed from stored rows, so a day's
    figures stay as they were when its conversations, messages and feedback are removed.
    """

    __tablename__ = "analytics_daily"

    day: date = Field(primary_key=True)
    figures: dict[str, Any] = _json({})
    """Counts and sums by part (`conversations`, `messages`, `feedback`, `intents`, ...)."""
    updated_at: datetime = _timestamp()


class RetentionRun(SQLModel, table=True):
    """One day's scheduled retention purge: the row claims the day, so it runs once."""

    __tablename__ = "retention_runs"

    day: date = Field(primary_key=True)
    finished_at: datetime = _timestamp()
    removed: dict[str, Any] = _json({})
    """How many rows of each kind the purge removed."""


# Appended here rather than in the list above, so the newer tables are declared in one place.
PLATFORM_TABLES.extend(
    table.__table__  # type: ignore[attr-defined,union-attr]
    for table in (AnalyticsDay, RetentionRun)
)
