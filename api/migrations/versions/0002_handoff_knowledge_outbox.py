"""The human side, the knowledge base and the outbox.

Adds `support_agents`, `escalation_rules`, `knowledge_entries`, `knowledge_citations`,
`outbox_events` and `webhook_deliveries`; gives conversations their queue fields, messages their
citations, and feedback a per-message rating, a thumbs value and a follow-up flag.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FEEDBACK_MESSAGE_FK = "fk_feedback_message_id_messages"


def _stamps(*names: str, nullable: bool = False) -> list[sa.Column]:
    return [sa.Column(name, sa.DateTime(timezone=True), nullable=nullable) for name in names]


def upgrade() -> None:
    """Create the new tables and add the new columns (existing rows get their defaults)."""
    op.create_table(
        "support_agents",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("specializations", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("max_concurrent", sa.Integer(), nullable=False),
        *_stamps("last_assigned_at", nullable=True),
        *_stamps("created_at", "updated_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "escalation_rules",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("condition", sa.JSON(), nullable=False),
        sa.Column("action", sa.JSON(), nullable=False),
        *_stamps("created_at", "updated_at"),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_escalation_rules_priority", "escalation_rules", ["priority"])
    _seed_rules()
    op.create_table(
        "knowledge_entries",
        sa.Column("id", sa.String(length=160), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_stamps("created_at", "updated_at"),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        *_stamps("deleted_at", nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_knowledge_entries_category", "knowledge_entries", ["category"])
    op.create_table(
        "knowledge_citations",
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("entry_id", sa.String(length=160), nullable=False),
        sa.Column("conversation_id", sa.String(length=40), nullable=False),
        *_stamps("created_at"),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"]),
        sa.PrimaryKeyConstraint("message_id", "entry_id"),
    )
    op.create_index("ix_knowledge_citations_entry_id", "knowledge_citations", ["entry_id"])
    op.create_index(
        "ix_knowledge_citations_conversation_id", "knowledge_citations", ["conversation_id"]
    )
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=40), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        *_stamps("created_at"),
        *_stamps("published_at", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", name="uq_outbox_events_event_id"),
    )
    op.create_index("ix_outbox_events_conversation_id", "outbox_events", ["conversation_id"])
    op.create_index("ix_outbox_events_published_at", "outbox_events", ["published_at"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=40), nullable=False),
        sa.Column("endpoint", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        *_stamps("next_attempt_at"),
        sa.Column("last_error", sa.Text(), nullable=True),
        *_stamps("delivered_at", nullable=True),
        *_stamps("created_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "endpoint", name="uq_webhook_deliveries_event_endpoint"),
    )
    op.create_index("ix_webhook_deliveries_status", "webhook_deliveries", ["status"])
    op.create_index(
        "ix_webhook_deliveries_next_attempt_at", "webhook_deliveries", ["next_attempt_at"]
    )

    with op.batch_alter_table("conversations") as batch:
        batch.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="en")
        )
        batch.add_column(sa.Column("specialization", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("escalation_reason", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("escalation_rule_id", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("resolved_by", sa.String(length=16), nullable=True))
        for column in _stamps("escalated_at", "assigned_at", nullable=True):
            batch.add_column(column)
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("citations", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("details", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("message_id", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("helpful", sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column("follow_up_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.alter_column("rating", existing_type=sa.Integer(), nullable=True)
        batch.create_index("ix_feedback_created_at", ["created_at"])
        batch.create_foreign_key(_FEEDBACK_MESSAGE_FK, "messages", ["message_id"], ["id"])


def _seed_rules() -> None:
    """A new installation starts with the default escalation rules; admins edit them."""
    from supportgraph.api.rules import DEFAULT_RULES

    table = sa.table(
        "escalation_rules",
        *(sa.column(name) for name in ("id", "name", "description", "priority", "enabled")),
        sa.column("condition", sa.JSON()),
        sa.column("action", sa.JSON()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        table,
        [{**rule, "enabled": True, "created_at": now, "updated_at": now} for rule in DEFAULT_RULES],
    )


def downgrade() -> None:
    """Drop what `upgrade` added; feedback without a rating is dropped with the column."""
    with op.batch_alter_table("feedback") as batch:
        batch.drop_constraint(_FEEDBACK_MESSAGE_FK, type_="foreignkey")
        batch.drop_index("ix_feedback_created_at")
        batch.drop_column("follow_up_required")
        batch.drop_column("helpful")
        batch.drop_column("message_id")
    op.execute("DELETE FROM feedback WHERE rating IS NULL")
    with op.batch_alter_table("feedback") as batch:
        batch.alter_column("rating", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("details")
        batch.drop_column("citations")
    with op.batch_alter_table("conversations") as batch:
        for name in (
            "assigned_at",
            "escalated_at",
            "resolved_by",
            "escalation_rule_id",
            "escalation_reason",
            "specialization",
            "language",
        ):
            batch.drop_column(name)
    for table in (
        "webhook_deliveries",
        "outbox_events",
        "knowledge_citations",
        "knowledge_entries",
        "escalation_rules",
        "support_agents",
    ):
        op.drop_table(table)
