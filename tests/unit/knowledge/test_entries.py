"""Tests for the knowledge-base entries: seeding, changes, the index following them, usage."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from supportgraph.api.db import platform_engine, upgrade
from supportgraph.api.tables import (
    Conversation,
    Feedback,
    KnowledgeCitation,
    KnowledgeEntry,
    Message,
    Sender,
)
from supportgraph.knowledge.documents import Document
from supportgraph.knowledge.entries import (
    EntryNotFound,
    IndexUnavailable,
    KnowledgeService,
    VersionConflict,
    live_documents,
    seed_entries,
    sync_index,
)
from supportgraph.knowledge.port import KnowledgeIndex
from supportgraph.tests.fakes import TEST_KEYRING
from supportgraph.tests.postgres import postgres_schema

SHIPPED = [
    Document("policy/cancel", "Policy > Cancel", "Cancel pending orders only.", "policy", "cancel"),
    Document("faq/refunds", "How long?", "Five to seven days.", "faq", "refund", ("refund",)),
    Document("faq/gifts", "Gift cards?", "Refunds go back at once.", "faq", "payment"),
]


class RecordingIndex:
    """An index that keeps its documents in a dict and counts its builds."""

    def __init__(self) -> None:
        self.docs: dict[str, Document] = {}
        self.builds = 0

    async def search(self, query: str, k: int = 4) -> list[Any]:
        """Find nothing; these tests read the documents directly."""
        return []

    def count(self) -> int:
        """How many documents are held."""
        return len(self.docs)

    def build(self, documents: Sequence[Document]) -> bool:
        """Hold exactly these."""
        self.builds += 1
        before = dict(self.docs)
        self.docs = {d.id: d for d in documents}
        return before != self.docs

    def upsert(self, documents: Sequence[Document]) -> None:
        """Add or replace."""
        self.docs.update({d.id: d for d in documents})

    def delete(self, ids: Sequence[str]) -> None:
        """Remove."""
        for doc_id in ids:
            self.docs.pop(doc_id, None)


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated platform database: SQLite, and Postgres in a schema of its own."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'store.db'}"
        else:
            url = stack.enter_context(postgres_schema("kb"))
        upgrade(url)
        built = platform_engine(url, keyring=TEST_KEYRING)
        yield built
        built.dispose()


@pytest.fixture
def index() -> RecordingIndex:
    """An empty recording index."""
    return RecordingIndex()


@pytest.fixture
def service(engine: Engine, index: RecordingIndex) -> KnowledgeService:
    """The service over the seeded table and the recording index."""
    seed_entries(engine, SHIPPED)
    sync_index(engine, index)
    return KnowledgeService(engine, index)


def row(engine: Engine, entry_id: str) -> KnowledgeEntry | None:
    with Session(engine) as session:
        return session.get(KnowledgeEntry, entry_id)


def test_that_the_recording_index_satisfies_the_port(index: RecordingIndex) -> None:
    assert isinstance(index, KnowledgeIndex)


def test_that_seeding_inserts_each_shipped_document_once_with_its_category(engine: Engine) -> None:
    assert sorted(seed_entries(engine, SHIPPED)) == sorted(d.id for d in SHIPPED)
    assert seed_entries(engine, SHIPPED) == []
    refunds = row(engine, "faq/refunds")
    assert refunds is not None
    assert (refunds.source, refunds.category, refunds.tags, refunds.version) == (
        "faq",
        "refund",
        ["refund"],
        1,
    )
    assert [d.id for d in live_documents(engine)] == sorted(d.id for d in SHIPPED)


@pytest.mark.asyncio
async def test_that_reseeding_keeps_an_admins_deletion_and_edit(
    engine: Engine, service: KnowledgeService, index: RecordingIndex
) -> None:
    await service.delete("policy/cancel", author="admin_ava")
    await service.update("faq/refunds", version=1, author="admin_ava", content="Ten days.")
    changed = [replace(d, text=d.text + " (new wording)") for d in SHIPPED]
    assert seed_entries(engine, changed) == ["faq/gifts"]
    sync_index(engine, index)
    assert "policy/cancel" not in index.docs
    assert index.docs["faq/refunds"].text == "Ten days."
    assert index.docs["faq/gifts"].text.endswith("(new wording)")
    deleted = row(engine, "policy/cancel")
    assert deleted is not None and deleted.deleted_at is not None


def test_that_a_new_shipped_document_is_added_and_a_retired_untouched_one_leaves(
    engine: Engine, index: RecordingIndex
) -> None:
    seed_entries(engine, SHIPPED)
    added = Document("faq/new", "New?", "A new answer.", "faq")
    assert sorted(seed_entries(engine, [*SHIPPED[1:], added])) == ["faq/new", "policy/cancel"]
    sync_index(engine, index)
    assert set(index.docs) == {"faq/refunds", "faq/gifts", "faq/new"}
    # A release that ships it again brings it back: no admin ever deleted it.
    assert seed_entries(engine, [*SHIPPED, added]) == ["policy/cancel"]
    restored = row(engine, "policy/cancel")
    assert restored is not None and restored.deleted_at is None and restored.version == 3


@pytest.mark.asyncio
async def test_that_each_change_reaches_the_index_and_a_stale_version_is_a_conflict(
    engine: Engine, service: KnowledgeService, index: RecordingIndex
) -> None:
    created = await service.create(
        title="Gift wrap?", content="Free at checkout.", category="orders", author="admin_ava"
    )
    entry_id = created.entry.id
    assert entry_id.startswith("kb_") and created.entry.version == 1
    assert index.docs[entry_id].text == "Free at checkout."
    updated = await service.update(entry_id, version=1, author="admin_bo", content="Two dollars.")
    assert (updated.entry.version, updated.entry.updated_by) == (2, "admin_bo")
    assert updated.entry.title == "Gift wrap?" and index.docs[entry_id].text == "Two dollars."
    with pytest.raises(VersionConflict) as stale:
        await service.update(entry_id, version=1, author="admin_ava", content="Free.")
    assert stale.value.current == 2 and index.docs[entry_id].text == "Two dollars."
    with pytest.raises(VersionConflict):
        await service.delete(entry_id, author="admin_ava", version=1)
    await service.delete(entry_id, author="admin_ava", version=2)
    assert entry_id not in index.docs
    tombstone = row(engine, entry_id)
    assert tombstone is not None and tombstone.version == 3 and tombstone.deleted_at is not None


@pytest.mark.asyncio
async def test_that_unknown_or_deleted_entries_are_not_found(service: KnowledgeService) -> None:
    await service.delete("faq/gifts", author="admin_ava")
    for entry_id in ("faq/gifts", "kb_missing"):
        with pytest.raises(EntryNotFound):
            await service.get(entry_id)
        with pytest.raises(EntryNotFound):
            await service.update(entry_id, version=1, author="admin_ava", title="x")
        with pytest.raises(EntryNotFound):
            await service.delete(entry_id, author="admin_ava")


@pytest.mark.asyncio
async def test_that_search_matches_every_word_in_any_field_by_category_and_pages(
    service: KnowledgeService,
) -> None:
    views, total = await service.search(q="REFUNDS back")
    assert total == 1 and [v.entry.id for v in views] == ["faq/gifts"]
    views, total = await service.search(q="refund")
    assert total == 2  # "refund" is a tag of faq/refunds and a word of faq/gifts.
    views, total = await service.search(category="cancel")
    assert [v.entry.id for v in views] == ["policy/cancel"]
    first, total = await service.search(page=1, size=2)
    second, _ = await service.search(page=2, size=2)
    assert total == 3 and len(first) == 2 and len(second) == 1
    assert {v.entry.id for v in first + second} == {d.id for d in SHIPPED}
    assert (await service.search(q="100%"))[1] == 0
    await service.delete("faq/gifts", author="admin_ava")
    assert (await service.search(q="back"))[1] == 0


@pytest.mark.asyncio
async def test_that_usage_count_and_success_rate_come_from_citing_answers_and_their_feedback(
    engine: Engine, service: KnowledgeService
) -> None:
    with Session(engine) as session:
        session.add(Conversation(id="conv_1"))
        session.flush()
        for n in range(1, 5):
            session.add(Message(id=f"m{n}", conversation_id="conv_1", sender=Sender.AI, content=""))
        session.flush()
        cited = {"m1": ["faq/refunds", "faq/gifts"], "m2": ["faq/refunds"], "m3": ["faq/refunds"]}
        cited["m4"] = ["policy/cancel"]
        for message_id, entries in cited.items():
            for entry_id in entries:
                session.add(
                    KnowledgeCitation(
                        message_id=message_id, entry_id=entry_id, conversation_id="conv_1"
                    )
                )
        feedback: list[tuple[str | None, bool | None, int | None]] = [
            ("m1", True, None),  # success
            ("m2", None, 5),  # success: no thumbs, a rating of 4 or more
            ("m2", False, 5),  # failure: the thumbs decide
            ("m3", None, 2),  # failure
            ("m3", None, None),  # a comment only: not counted
            ("m4", None, None),  # not counted
            (None, True, 5),  # the conversation as a whole: not counted
        ]
        for n, (message_id, helpful, rating) in enumerate(feedback):
            session.add(
                Feedback(
                    id=f"fb{n}",
                    conversation_id="conv_1",
                    message_id=message_id,
                    helpful=helpful,
                    rating=rating,
                    comment="noted",
                )
            )
        session.commit()
    figures = {}
    for view in (await service.search())[0]:
        figures[view.entry.id] = (view.usage_count, view.success_rate)
    assert figures == {
        "faq/refunds": (3, 0.5),  # cited by m1, m2, m3; 2 of 4 counted feedback positive
        "faq/gifts": (1, 1.0),  # cited by m1 only
        "policy/cancel": (1, None),  # cited, never rated
    }
    gifts = await service.get("faq/gifts")
    assert (gifts.usage_count, gifts.success_rate) == (1, 1.0)


@pytest.mark.asyncio
async def test_that_a_change_waits_for_the_index_without_touching_the_table(
    engine: Engine,
) -> None:
    seed_entries(engine, SHIPPED)
    starting = KnowledgeService(engine)
    with pytest.raises(IndexUnavailable):
        await starting.create(title="t", content="c", author="admin_ava")
    with pytest.raises(IndexUnavailable):
        await starting.delete("faq/gifts", author="admin_ava")
    with Session(engine) as session:
        assert len(session.exec(select(KnowledgeEntry)).all()) == len(SHIPPED)
    assert (await starting.get("faq/gifts")).entry.deleted_at is None


def test_that_a_build_runs_again_when_the_table_changed_during_it(engine: Engine) -> None:
    seed_entries(engine, SHIPPED)

    class RacingIndex(RecordingIndex):
        def build(self, documents: Sequence[Document]) -> bool:
            changed = super().build(documents)
            if self.builds == 1:
                # An admin in another process deletes an entry while this build runs.
                with Session(engine) as session:
                    gone = session.get(KnowledgeEntry, "faq/gifts")
                    assert gone is not None
                    gone.deleted_at, gone.version = gone.updated_at, gone.version + 1
                    session.add(gone)
                    session.commit()
            return changed

    racing = RacingIndex()
    assert sync_index(engine, racing) is True
    assert racing.builds == 2 and "faq/gifts" not in racing.docs
