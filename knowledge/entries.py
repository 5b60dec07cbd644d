"""Knowledge-base entries: the `knowledge_entries` table, and the search index that follows it.

The table is the source of truth. The shipped policy sections and FAQ seed it; an admin adds,
edits and deletes entries (a deletion leaves a tombstone); each change is written to the table
first and then applied to the index, one entry at a time.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from supportgraph.api.tables import Feedback, KnowledgeCitation, KnowledgeEntry, utcnow
from supportgraph.knowledge.documents import ADMIN_ID_PREFIX, Document
from supportgraph.knowledge.port import KnowledgeIndex

logger = logging.getLogger(__name__)

SHIPPED_SOURCES = frozenset({"policy", "faq"})
SYNC_ATTEMPTS = 3
"""Index builds in a row at most, while changes keep landing in the table during one."""


class EntryNotFound(LookupError):
    """No such entry, or it was deleted."""


class VersionConflict(RuntimeError):
    """The caller's `version` is not the entry's: someone changed it since it was read.

    Attributes:
        current: The entry's version now.
    """

    def __init__(self, entry_id: str, current: int) -> None:
        """Report the entry and its current version."""
        super().__init__(f"{entry_id} is at version {current}")
        self.current = current


class IndexUnavailable(RuntimeError):
    """The search index is not open yet, or could not apply a change saved in the table."""


@dataclass(frozen=True)
class EntryView:
    """An entry with how often AI answers cited it and how those answers were rated.

    Attributes:
        entry: The stored row.
        usage_count: AI answers that cited the entry.
        success_rate: Share of the feedback on those answers that was positive (thumbs up, or
            no thumbs and a rating of 4 or 5); None when none of it rated them.
    """

    entry: KnowledgeEntry
    usage_count: int = 0
    success_rate: float | None = None


def to_document(row: KnowledgeEntry) -> Document:
    """The document the index holds for an entry."""
    return Document(
        id=row.id,
        title=row.title,
        text=row.content,
        source=row.source,
        category=row.category,
        tags=tuple(row.tags),
        version=row.version,
    )


def seed_entries(engine: Engine, documents: Sequence[Document]) -> list[str]:
    """Bring the shipped documents into the table; return the ids inserted or refreshed.

    A shipped id without a row is inserted. A shipped row no admin has touched
    (`updated_by` is None) follows the shipped text, and is tombstoned once a release no
    longer ships it. A row an admin edited or deleted is left exactly as it is.

    Args:
        engine: The platform database, migrated to head.
        documents: The shipped documents (`load_documents()`).
    """
    for attempt in range(SYNC_ATTEMPTS):
        try:
            return _seed(engine, documents)
        except IntegrityError:
            # Another process seeded the same ids first; the next pass finds its rows.
            if attempt == SYNC_ATTEMPTS - 1:
                raise
    return []


def _seed(engine: Engine, documents: Sequence[Document]) -> list[str]:
    shipped = {d.id: d for d in documents}
    touched: list[str] = []
    with Session(engine) as session:
        query = select(KnowledgeEntry).where(col(KnowledgeEntry.source).in_(SHIPPED_SOURCES))
        rows = {row.id: row for row in session.exec(query)}
        now = utcnow()
        for doc_id, document in shipped.items():
            row = rows.get(doc_id)
            if row is None:
                session.add(_shipped_row(document))
            elif row.updated_by is None and _shipped_fields(row) != _fields(document):
                _follow(row, document, now)
                session.add(row)
            else:
                continue
            touched.append(doc_id)
        for row in rows.values():
            if row.id not in shipped and row.updated_by is None and row.deleted_at is None:
                row.deleted_at, row.updated_at, row.version = now, now, row.version + 1
                session.add(row)
                touched.append(row.id)
        session.commit()
    return touched


def _shipped_row(document: Document) -> KnowledgeEntry:
    return KnowledgeEntry(
        id=document.id,
        title=document.title,
        content=document.text,
        category=document.category,
        tags=list(document.tags),
        source=document.source,
    )


def _fields(document: Document) -> tuple[Any, ...]:
    return (document.title, document.text, document.category, list(document.tags), None)


def _shipped_fields(row: KnowledgeEntry) -> tuple[Any, ...]:
    return (row.title, row.content, row.category, list(row.tags), row.deleted_at)


def _follow(row: KnowledgeEntry, document: Document, now: Any) -> None:
    row.title, row.content, row.category = document.title, document.text, document.category
    row.tags, row.deleted_at = list(document.tags), None
    row.updated_at, row.version = now, row.version + 1


def live_documents(engine: Engine) -> list[Document]:
    """Every entry that is not deleted, as the documents the index should hold.

    Args:
        engine: The platform database.
    """
    with Session(engine) as session:
        query = select(KnowledgeEntry).where(col(KnowledgeEntry.deleted_at).is_(None))
        return [to_document(row) for row in session.exec(query.order_by(KnowledgeEntry.id))]


def sync_index(engine: Engine, kb: KnowledgeIndex) -> bool:
    """Make the index hold the table's live entries; return whether it had to change.

    When the table changes while the index is built (an admin's edit in another process),
    the build runs again, so a deletion that raced it cannot leave the entry indexed.

    Args:
        engine: The platform database.
        kb: The index.
    """
    changed = False
    for _ in range(SYNC_ATTEMPTS):
        documents = live_documents(engine)
        changed = kb.build(documents) or changed
        if _versions(live_documents(engine)) == _versions(documents):
            break
    return changed


def _versions(documents: Sequence[Document]) -> set[tuple[str, int]]:
    return {(d.id, d.version) for d in documents}


class KnowledgeService:
    """Lists, reads and changes entries; every change reaches the index at once.

    Args:
        engine: The platform database, migrated to head.
        kb: The index; it may be set later (`service.kb = …`), once the server has built it.
    """

    def __init__(self, engine: Engine, kb: Any = None) -> None:
        self.engine = engine
        self.kb = kb

    def _session(self) -> Session:
        # Rows are handed back to callers after the commit; keep their loaded values.
        return Session(self.engine, expire_on_commit=False)

    async def search(
        self, *, q: str | None = None, category: str | None = None, page: int = 1, size: int = 20
    ) -> tuple[list[EntryView], int]:
        """One page of live entries, most recently changed first, and how many match.

        Args:
            q: Words that must each appear in the title, the content or the tags (any case).
            category: Only entries of this category.
            page: 1-based page number.
            size: Entries per page.
        """
        return await asyncio.to_thread(self._search, q, category, page, size)

    def _search(
        self, q: str | None, category: str | None, page: int, size: int
    ) -> tuple[list[EntryView], int]:
        query = select(KnowledgeEntry).where(col(KnowledgeEntry.deleted_at).is_(None))
        if category:
            query = query.where(KnowledgeEntry.category == category)
        for word in (q or "").split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            fields = (
                col(KnowledgeEntry.title),
                col(KnowledgeEntry.content),
                cast(col(KnowledgeEntry.tags), String),
            )
            query = query.where(or_(*(f.ilike(pattern, escape="\\") for f in fields)))
        with self._session() as session:
            total = session.exec(select(func.count()).select_from(query.subquery())).one()
            ordered = query.order_by(col(KnowledgeEntry.updated_at).desc(), col(KnowledgeEntry.id))
            rows = list(session.exec(ordered.offset((page - 1) * size).limit(size)))
            return _views(session, rows), int(total)

    async def get(self, entry_id: str) -> EntryView:
        """One live entry; `EntryNotFound` for an unknown or deleted id.

        Args:
            entry_id: E.g. `policy/cancel-pending-order` or `kb_3f2a…`.
        """
        return await asyncio.to_thread(self._get, entry_id)

    def _get(self, entry_id: str) -> EntryView:
        with self._session() as session:
            row = session.get(KnowledgeEntry, entry_id)
            if row is None or row.deleted_at is not None:
                raise EntryNotFound(entry_id)
            return _views(session, [row])[0]

    async def create(
        self,
        *,
        title: str,
        content: str,
        category: str = "general",
        tags: Sequence[str] = (),
        author: str,
    ) -> EntryView:
        """Add an admin's entry (id `kb_<hex>`, version 1) and index it.

        Args:
            title: What the entry answers, as a customer would ask it.
            content: The answer.
            category: What it is about.
            tags: Free labels.
            author: Who adds it (the admin's subject).

        Raises:
            IndexUnavailable: The index is not open, or could not take the entry.
        """
        index = self._index()
        row = KnowledgeEntry(
            id=f"{ADMIN_ID_PREFIX}{uuid.uuid4().hex}",
            title=title,
            content=content,
            category=category,
            tags=list(tags),
            source="admin",
            updated_by=author,
        )
        await asyncio.to_thread(self._insert, row)
        await self._apply(index, row.id)
        return EntryView(row)

    def _insert(self, row: KnowledgeEntry) -> None:
        with self._session() as session:
            session.add(row)
            session.commit()
            session.refresh(row)

    async def update(
        self,
        entry_id: str,
        *,
        version: int,
        author: str,
        title: str | None = None,
        content: str | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
    ) -> EntryView:
        """Change the fields given (None keeps one), if the entry is still at `version`.

        Args:
            entry_id: The entry.
            version: The version the caller read; the change applies only to it.
            author: Who changes it.
            title: New title.
            content: New content.
            category: New category.
            tags: New tags.

        Raises:
            EntryNotFound: Unknown or deleted.
            VersionConflict: The entry moved on since `version`.
            IndexUnavailable: The index is not open, or could not take the change.
        """
        index = self._index()
        changes: dict[str, Any] = {"title": title, "content": content, "category": category}
        changes = {key: value for key, value in changes.items() if value is not None}
        if tags is not None:
            changes["tags"] = list(tags)
        await asyncio.to_thread(self._change, entry_id, version, author, changes)
        await self._apply(index, entry_id)
        return await self.get(entry_id)

    async def delete(self, entry_id: str, *, author: str, version: int | None = None) -> None:
        """Tombstone the entry and take it out of the index; it is never re-seeded.

        Args:
            entry_id: The entry.
            author: Who deletes it.
            version: When given, the entry must still be at it.

        Raises:
            EntryNotFound: Unknown or already deleted.
            VersionConflict: The entry moved on since `version`.
            IndexUnavailable: The index is not open, or could not drop the entry.
        """
        index = self._index()
        await asyncio.to_thread(self._change, entry_id, version, author, {"deleted_at": utcnow()})
        await self._apply(index, entry_id)

    def _change(
        self, entry_id: str, version: int | None, author: str, changes: dict[str, Any]
    ) -> None:
        """Compare-and-set in one statement, so two writers cannot both win one version."""
        table = KnowledgeEntry.__table__  # type: ignore[attr-defined]
        match = [table.c.id == entry_id, table.c.deleted_at.is_(None)]
        if version is not None:
            match.append(table.c.version == version)
        statement = (
            update(table)
            .where(and_(*match))
            .values(**changes, version=table.c.version + 1, updated_at=utcnow(), updated_by=author)
        )
        with self._session() as session:
            result = session.connection().execute(statement)
            if result.rowcount == 1:
                session.commit()
                return
            row = session.get(KnowledgeEntry, entry_id)
            if row is None or row.deleted_at is not None:
                raise EntryNotFound(entry_id)
            raise VersionConflict(entry_id, row.version)

    def _index(self) -> Any:
        if self.kb is None:
            raise IndexUnavailable("the knowledge base is still starting")
        return self.kb

    async def _apply(self, index: Any, entry_id: str) -> None:
        """Give the index the entry as the table holds it now (the newest of racing writes)."""
        if not isinstance(index, KnowledgeIndex):
            logger.warning("this knowledge base cannot change; %s waits for a build", entry_id)
            return
        try:
            await asyncio.to_thread(self._apply_now, index, entry_id)
        except Exception as error:
            logger.exception("the index could not apply the change to %s", entry_id)
            raise IndexUnavailable(
                "the change is saved, but the search index could not apply it; it catches up "
                "when the knowledge base is next built (server start or `supportgraph build`)"
            ) from error

    def _apply_now(self, index: KnowledgeIndex, entry_id: str) -> None:
        with self._session() as session:
            row = session.get(KnowledgeEntry, entry_id)
        if row is None or row.deleted_at is not None:
            index.delete([entry_id])
        else:
            index.upsert([to_document(row)])


def _views(session: Session, rows: list[KnowledgeEntry]) -> list[EntryView]:
    """The rows with their usage figures, read in two grouped queries."""
    ids = [row.id for row in rows]
    if not ids:
        return []
    cited = col(KnowledgeCitation.entry_id)
    counts = session.exec(select(cited, func.count()).where(cited.in_(ids)).group_by(cited)).all()
    helpful, rating = col(Feedback.helpful), col(Feedback.rating)
    positive = case((or_(helpful.is_(True), and_(helpful.is_(None), rating >= 4)), 1), else_=0)
    rated = session.exec(
        select(cited, func.sum(positive), func.count())
        .join(Feedback, col(Feedback.message_id) == col(KnowledgeCitation.message_id))
        .where(cited.in_(ids), or_(helpful.is_not(None), rating.is_not(None)))
        .group_by(cited)
    ).all()
    usage = {entry_id: int(n) for entry_id, n in counts}
    rates = {entry_id: int(ok) / int(n) for entry_id, ok, n in rated if n}
    return [EntryView(row, usage.get(row.id, 0), rates.get(row.id)) for row in rows]
