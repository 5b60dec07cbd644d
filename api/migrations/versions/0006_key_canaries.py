"""Key canaries: one sealed known value per key that has sealed data in this database.

A process starting with a key ring that lacks one of these keys, or holds different key
material under the same id, refuses to start instead of failing on the rows it can't open.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 20:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the canary table."""
    op.create_table(
        "encryption_canaries",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kid"),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("encryption_canaries")
