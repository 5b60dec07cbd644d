"""Encryption at rest: sealed columns hold `enc:v1:<key id>:<ciphertext>` text.

The sealed columns become text: a conversation's subject (its ciphertext is longer than the
old 200-character limit), and the JSON documents of messages and events (a ciphertext is not
JSON). Existing plain values stay readable, and `supportgraph keys rotate` seals them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_JSON_COLUMNS = {"messages": ("citations", "details"), "outbox_events": ("payload",)}


def upgrade() -> None:
    """Make the sealed columns text."""
    with op.batch_alter_table("conversations") as batch:
        batch.alter_column(
            "subject", type_=sa.Text(), existing_type=sa.String(200), existing_nullable=False
        )
    for table, columns in _JSON_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    type_=sa.Text(),
                    existing_type=sa.JSON(),
                    existing_nullable=False,
                    postgresql_using=f"{column}::text",
                )


def downgrade() -> None:
    """Back to the old types; only possible while every value is still plain."""
    for table, columns in _JSON_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    type_=sa.JSON(),
                    existing_type=sa.Text(),
                    existing_nullable=False,
                    postgresql_using=f"{column}::json",
                )
    with op.batch_alter_table("conversations") as batch:
        batch.alter_column(
            "subject", type_=sa.String(200), existing_type=sa.Text(), existing_nullable=False
        )
