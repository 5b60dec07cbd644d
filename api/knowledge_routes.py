"""Knowledge-base administration at /api/v1/support/knowledge-base: agents read, admins write.

Entry ids of shipped entries hold a slash (`policy/cancel-pending-order`, `faq/refund-timing`);
the routes take the rest of the path as the id, so send it as it is, or percent-encoded
(`policy%2Fcancel-pending-order`).

No `from __future__ import annotations` here: FastAPI reads the route signatures.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from supportgraph.api.audit import KNOWLEDGE_CREATE, KNOWLEDGE_DELETE, KNOWLEDGE_UPDATE, AuditLog
from supportgraph.api.auth import Principal, Role
from supportgraph.api.deps import Access
from supportgraph.knowledge.entries import (
    EntryNotFound,
    EntryView,
    IndexUnavailable,
    KnowledgeService,
    VersionConflict,
)

MAX_TITLE_CHARS = 300
MAX_CONTENT_CHARS = 20_000
MAX_TAGS = 20
MAX_TAG_CHARS = 40
MAX_VERSION = 2**31 - 1
"""The largest version the database's integer column holds."""


def _no_nul(text: str) -> str:
    # Postgres text cannot hold a NUL character; refuse it here rather than fail on write.
    if "\x00" in text:
        raise ValueError("must not contain NUL characters")
    return text


Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TITLE_CHARS),
    AfterValidator(_no_nul),
]
Content = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_CONTENT_CHARS),
    AfterValidator(_no_nul),
]
Category = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=64, pattern=r"^[a-z0-9][a-z0-9 _\-]*$"
    ),
]
Tag = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TAG_CHARS),
    AfterValidator(_no_nul),
]

_EXAMPLE_IN: dict[str, Any] = {
    "title": "Do you offer gift wrapping?",
    "content": "Gift wrapping is free: choose Gift wrap at checkout and add a card message.",
    "category": "orders",
    "tags": ["gift", "packaging"],
}


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


class EntryIn(BaseModel):
    """A new knowledge-base entry."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE_IN]})

    title: Title = Field(description="What the entry answers, phrased as a customer asks it.")
    content: Content = Field(description="The answer, quoted to customers as written.")
    category: Category = "general"
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)

    @field_validator("tags")
    @classmethod
    def unique_tags(cls, tags: list[str]) -> list[str]:
        """Drop repeated tags, keeping the first of each."""
        return _unique(tags)


class EntryChange(BaseModel):
    """A change to an entry: the fields sent are replaced, the others kept."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"version": 1, "content": "Gift wrapping costs $2 per order."}]
        },
    )

    version: int = Field(
        ge=1, le=MAX_VERSION, description="The version read; a stale one is refused with 409."
    )
    title: Title | None = None
    content: Content | None = None
    category: Category | None = None
    tags: list[Tag] | None = Field(default=None, max_length=MAX_TAGS)

    @field_validator("tags")
    @classmethod
    def unique_tags(cls, tags: list[str] | None) -> list[str] | None:
        """Drop repeated tags, keeping the first of each."""
        return None if tags is None else _unique(tags)


class EntryOut(BaseModel):
    """A knowledge-base entry with how its citations fared."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "kb_5f0c2a9e41d34b7a9d1c6e2f8a0b3c4d",
                    **_EXAMPLE_IN,
                    "source": "admin",
                    "version": 2,
                    "usage_count": 14,
                    "success_rate": 0.83,
                    "created_at": "2026-12-01T10:00:00Z",
                    "updated_at": "2026-12-02T09:30:00Z",
                    "updated_by": "admin_ava",
                }
            ]
        }
    )

    id: str
    title: str
    content: str
    category: str
    tags: list[str]
    source: str = Field(description="`policy` or `faq` (shipped), or `admin`.")
    version: int
    usage_count: int = Field(description="AI answers that cited the entry.")
    success_rate: float | None = Field(
        description="Share of the feedback on those answers that was positive: thumbs up, or "
        "no thumbs and a rating of 4 or 5. Null when none was given."
    )
    created_at: datetime
    updated_at: datetime
    updated_by: str | None

    @classmethod
    def of(cls, view: EntryView) -> "EntryOut":
        """From a stored entry and its figures."""
        row = view.entry
        return cls(
            id=row.id,
            title=row.title,
            content=row.content,
            category=row.category,
            tags=list(row.tags),
            source=row.source,
            version=row.version,
            usage_count=view.usage_count,
            success_rate=view.success_rate,
            created_at=row.created_at,
            updated_at=row.updated_at,
            updated_by=row.updated_by,
        )


class EntryPage(BaseModel):
    """One page of entries, most recently changed first."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [], "page": 1, "size": 20, "total": 0}]}
    )

    items: list[EntryOut]
    page: int
    size: int
    total: int


def build_knowledge_router(
    service: KnowledgeService, access: Access, audit: AuditLog | None = None
) -> APIRouter:
    """The knowledge-base routes on this service; changes are recorded in the audit log."""

    async def audited(principal: Principal, action: str, entry_id: str, **details: Any) -> None:
        if audit is not None:
            await audit.record(principal, action, "knowledge_entry", entry_id, **details)

    router = APIRouter(prefix="/api/v1/support/knowledge-base", tags=["knowledge base"])
    Reader = Annotated[Principal, Depends(access.role(Role.AGENT, Role.ADMIN))]
    Admin = Annotated[Principal, Depends(access.role(Role.ADMIN))]
    EntryId = Annotated[
        str,
        Path(
            min_length=1,
            max_length=160,
            pattern=r"^[A-Za-z0-9_\-]+(/[A-Za-z0-9_\-]+)*$",
            description="E.g. `policy/cancel-pending-order`; the slash may be sent as is.",
        ),
    ]
    missing: dict[int | str, dict[str, Any]] = {
        404: {"description": "No such entry, or it was deleted"}
    }
    conflict: dict[int | str, dict[str, Any]] = {
        409: {"description": "`version` is stale: read the entry again"}
    }

    @router.get("", summary="List or search the entries (agents and admins)")
    async def list_entries(
        _: Reader,
        q: Annotated[
            str | None,
            Query(
                max_length=200,
                pattern=r"^[^\x00]*$",
                description="Words that must each appear in the title, content or tags",
            ),
        ] = None,
        category: Annotated[str | None, Query(max_length=64, pattern=r"^[^\x00]*$")] = None,
        page: Annotated[int, Query(ge=1, le=100_000)] = 1,
        size: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> EntryPage:
        views, total = await service.search(
            q=q, category=category.lower() if category else None, page=page, size=size
        )
        return EntryPage(items=[EntryOut.of(v) for v in views], page=page, size=size, total=total)

    @router.post("", status_code=201, summary="Add an entry (admins)")
    async def create_entry(principal: Admin, body: EntryIn) -> EntryOut:
        try:
            view = await service.create(
                title=body.title,
                content=body.content,
                category=body.category,
                tags=body.tags,
                author=principal.subject,
            )
        except IndexUnavailable as error:
            raise _unavailable(error) from error
        out = EntryOut.of(view)
        await audited(principal, KNOWLEDGE_CREATE, out.id, version=out.version)
        return out

    @router.get("/{entry_id:path}", summary="One entry (agents and admins)", responses=missing)
    async def get_entry(_: Reader, entry_id: EntryId) -> EntryOut:
        try:
            return EntryOut.of(await service.get(entry_id))
        except EntryNotFound as error:
            raise _not_found() from error

    @router.put(
        "/{entry_id:path}", summary="Change an entry (admins)", responses=missing | conflict
    )
    async def update_entry(principal: Admin, entry_id: EntryId, body: EntryChange) -> EntryOut:
        try:
            view = await service.update(
                entry_id,
                version=body.version,
                author=principal.subject,
                title=body.title,
                content=body.content,
                category=body.category,
                tags=body.tags,
            )
        except EntryNotFound as error:
            raise _not_found() from error
        except VersionConflict as error:
            raise _stale(error) from error
        except IndexUnavailable as error:
            raise _unavailable(error) from error
        out = EntryOut.of(view)
        changed = sorted(
            k for k, v in body.model_dump(exclude={"version"}).items() if v is not None
        )
        await audited(principal, KNOWLEDGE_UPDATE, entry_id, version=out.version, fields=changed)
        return out

    @router.delete(
        "/{entry_id:path}",
        status_code=204,
        summary="Delete an entry (admins); a shipped one is never seeded again",
        responses=missing | conflict,
    )
    async def delete_entry(
        principal: Admin,
        entry_id: EntryId,
        version: Annotated[
            int | None,
            Query(ge=1, le=MAX_VERSION, description="When sent, the entry must still be at it"),
        ] = None,
    ) -> Response:
        try:
            await service.delete(entry_id, author=principal.subject, version=version)
        except EntryNotFound as error:
            raise _not_found() from error
        except VersionConflict as error:
            raise _stale(error) from error
        except IndexUnavailable as error:
            raise _unavailable(error) from error
        await audited(principal, KNOWLEDGE_DELETE, entry_id)
        return Response(status_code=204)

    return router


def _not_found() -> HTTPException:
    return HTTPException(404, {"code": "not_found", "message": "no such knowledge-base entry"})


def _stale(error: VersionConflict) -> HTTPException:
    message = f"the entry is at version {error.current}; read it again and reapply the change"
    return HTTPException(409, {"code": "stale_version", "message": message})


def _unavailable(error: IndexUnavailable) -> HTTPException:
    return HTTPException(503, {"code": "index_unavailable", "message": str(error)})
