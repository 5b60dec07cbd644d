"""The support platform's tables: conversations, their messages and the customers' feedback.

They live beside the commerce store (the same Postgres database, or `store.db` on SQLite) and
are created and upgraded only by the Alembic migrations in `api/migrations`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, Index, String, Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


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
    subject: str = Field(default="", max_length=200)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()
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
    content: str = Field(sa_column=Column(Text, nullable=False))
    confidence_score: float | None = None
    """The agent's confidence in its reply (AI messages only)."""
    intent: str | None = Field(default=None, max_length=64)
    processing_time_ms: int | None = None
    created_at: datetime = _timestamp()


class Feedback(SQLModel, table=True):
    """A customer's rating of a conversation."""

    __tablename__ = "feedback"

    id: str = Field(primary_key=True, max_length=40)
    conversation_id: str = Field(foreign_key="conversations.id", max_length=40, index=True)
    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = _timestamp()


PLATFORM_TABLES = [Conversation.__table__, Message.__table__, Feedback.__table__]  # type: ignore[attr-defined]
"""The tables the migrations own; the commerce store's tables are not among them."""
