"""The audit log: who on the support team read or changed what, kept append-only.

Recorded: every AGENT or ADMIN read of a conversation or of a customer's profile, every change
to the knowledge base, the escalation rules or the agents, and every export or erasure. Details
identify the change (ids, fields, versions); they never hold message content or PII.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from supportgraph.api.auth import Principal, Role
from supportgraph.api.tables import AuditEvent

CONVERSATION_READ = "conversation.read"
CUSTOMER_READ = "customer.read"
KNOWLEDGE_CREATE, KNOWLEDGE_UPDATE, KNOWLEDGE_DELETE = (
    "knowledge.create",
    "knowledge.update",
    "knowledge.delete",
)
RULE_CREATE, RULE_UPDATE, RULE_DELETE = "rule.create", "rule.update", "rule.delete"
AGENT_UPDATE = "agent.update"
PRIVACY_EXPORT, PRIVACY_ERASE = "privacy.export", "privacy.erase"


def is_staff(principal: Principal) -> bool:
    """Whether the caller is on the support team (their reads are audited)."""
    return not principal.anonymous and principal.role in (Role.AGENT, Role.ADMIN)


@dataclass(frozen=True)
class AuditQuery:
    """Filters of an audit search; None matches everything."""

    actor_id: str | None = None
    action: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditLog:
    """Appends to and searches the `audit_log` table."""

    def __init__(self, engine: Engine) -> None:
        """Use this (migrated) platform database."""
        self.engine = engine

    async def record(
        self,
        principal: Principal,
        action: str,
        target_type: str,
        target_id: str | None,
        **details: Any,
    ) -> None:
        """Append one event for this caller."""
        row = AuditEvent(
            actor_id=principal.subject,
            actor_role=principal.role.value if principal.role else "ANONYMOUS",
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details,
        )
        await asyncio.to_thread(self._insert, row)

    async def staff_read(self, principal: Principal, action: str, kind: str, key: str) -> None:
        """Record a read when the reader is on the support team; customers' own reads are not."""
        if is_staff(principal):
            await self.record(principal, action, kind, key)

    def _insert(self, row: AuditEvent) -> None:
        with Session(self.engine) as session:
            session.add(row)
            session.commit()

    async def search(
        self, query: AuditQuery, *, page: int = 1, size: int = 50
    ) -> tuple[list[AuditEvent], int]:
        """Events matching the query, newest first, and how many match in all."""
        return await asyncio.to_thread(self._search, query, page, size)

    def _search(self, query: AuditQuery, page: int, size: int) -> tuple[list[AuditEvent], int]:
        statement = select(AuditEvent)
        for column, value in (
            (AuditEvent.actor_id, query.actor_id),
            (AuditEvent.action, query.action),
            (AuditEvent.target_id, query.target_id),
        ):
            if value is not None:
                statement = statement.where(col(column) == value)
        if query.since is not None:
            statement = statement.where(col(AuditEvent.occurred_at) >= query.since)
        if query.until is not None:
            statement = statement.where(col(AuditEvent.occurred_at) < query.until)
        with Session(self.engine, expire_on_commit=False) as session:
            total = session.exec(select(func.count()).select_from(statement.subquery())).one()
            rows = session.exec(
                statement.order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
                .offset((page - 1) * size)
                .limit(size)
            )
            return list(rows), int(total)
