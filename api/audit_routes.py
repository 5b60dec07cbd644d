"""GET /api/v1/support/audit: the audit log, for admins, newest first.

No `from __future__ import annotations` here: FastAPI reads the route signatures.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict

from supportgraph.api.audit import AuditLog, AuditQuery
from supportgraph.api.auth import Principal, Role
from supportgraph.api.deps import Access
from supportgraph.api.tables import AuditEvent

_TEXT = r"^[^\x00]*$"


class AuditEventOut(BaseModel):
    """One audited read or change."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 41,
                    "occurred_at": "2026-12-03T10:00:00Z",
                    "actor_id": "agent_maya",
                    "actor_role": "AGENT",
                    "action": "conversation.read",
                    "target_type": "conversation",
                    "target_id": "conv_9b1d4c2e",
                    "details": {},
                }
            ]
        }
    )

    id: int
    occurred_at: datetime
    actor_id: str
    actor_role: str
    action: str
    target_type: str
    target_id: str | None
    details: dict[str, Any]

    @classmethod
    def of(cls, row: AuditEvent) -> "AuditEventOut":
        """From a stored event."""
        return cls(**row.model_dump())


class AuditPage(BaseModel):
    """A page of audit events."""

    items: list[AuditEventOut]
    page: int
    size: int
    total: int


def build_audit_router(audit: AuditLog, access: Access) -> APIRouter:
    """The audit search route on this log."""
    router = APIRouter(prefix="/api/v1/support", tags=["audit"])
    Admin = Annotated[Principal, Depends(access.role(Role.ADMIN))]

    @router.get("/audit", summary="Search the audit log (admins), newest first")
    async def search(
        _: Admin,
        actor_id: Annotated[str | None, Query(max_length=128, pattern=_TEXT)] = None,
        action: Annotated[str | None, Query(max_length=64, pattern=_TEXT)] = None,
        target_id: Annotated[str | None, Query(max_length=200, pattern=_TEXT)] = None,
        since: Annotated[datetime | None, Query(description="From this instant (ISO 8601)")] = None,
        until: Annotated[datetime | None, Query(description="Before this instant")] = None,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        size: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> AuditPage:
        if since and until and since >= until:
            raise HTTPException(
                422, {"code": "invalid_range", "message": "`since` must be before `until`"}
            )
        query = AuditQuery(
            actor_id=actor_id, action=action, target_id=target_id, since=since, until=until
        )
        rows, total = await audit.search(query, page=page, size=size)
        return AuditPage(
            items=[AuditEventOut.of(r) for r in rows], page=page, size=size, total=total
        )

    return router
