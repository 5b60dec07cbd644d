"""Removing conversations and feedback for good, with their analytics figures kept.

Used by the erasure of a customer and by the retention purge. Each removal runs in one
transaction that sees one snapshot of the database (REPEATABLE READ on Postgres, the write
lock taken up front on SQLite), so the figures taken before and after the removal differ by
exactly what it removed; that difference is archived (`analytics_archive`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from supportgraph.api.analytics import DayRange, live_figures
from supportgraph.api.analytics_archive import archive, difference
from supportgraph.api.tables import (
    Conversation,
    Feedback,
    KnowledgeCitation,
    Message,
    OutboxEvent,
    WebhookDelivery,
)

T = TypeVar("T")

CHUNK = 500
"""Ids per `IN (...)` list, well under every database's limit of bound parameters."""

CONVERSATION_PARTS = (
    "conversations",
    "messages",
    "feedback",
    "citations",
    "outbox_events",
    "webhook_deliveries",
)
"""The kinds of row removed with a conversation, in the order of the counts."""


RETRIES = 5
"""Attempts of a removal that a concurrent change (the outbox relay marking an event) broke."""

_RETRIED_STATES = ("40001", "40P01")
"""Postgres serialization failure and deadlock: the transaction may simply run again."""


def in_removal(engine: Engine, work: Callable[[Session], T]) -> T:
    """Run `work` in a `removal_session`, again when a concurrent change made it fail."""
    for attempt in range(1, RETRIES + 1):
        try:
            with removal_session(engine) as session:
                return work(session)
        except OperationalError as error:
            state = getattr(error.orig, "sqlstate", None)
            if state not in _RETRIED_STATES or attempt == RETRIES:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def removal_session(engine: Engine) -> Iterator[Session]:
    """A session on one consistent snapshot, holding off writers where it must; commits."""
    with Session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        else:
            # pysqlite would only begin at the first write; the figures are read before it.
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session
        session.commit()


def keeping_figures(session: Session, change: Callable[[], T]) -> T:
    """Run a removal in the session and archive the analytics figures it takes away."""
    connection = session.connection()
    dialect = session.get_bind().dialect.name
    first = connection.execute(
        select(
            func.min(col(Conversation.created_at)),
            select(func.min(col(Message.created_at))).scalar_subquery(),
            select(func.min(col(Feedback.created_at))).scalar_subquery(),
        )
    ).one()
    known = [_as_datetime(value) for value in first if value is not None]
    if not known:
        return change()
    # A day of margin either side: SQLite keeps what it was given, offsets included.
    days = DayRange(
        (min(known) - timedelta(days=1)).date(),
        (datetime.now(UTC) + timedelta(days=2)).date(),
    )
    before = live_figures(connection, dialect, days)
    result = change()
    session.flush()
    after = live_figures(connection, dialect, days)
    archive(session, difference(before, after))
    return result


def remove_conversations(session: Session, ids: Sequence[str]) -> dict[str, int]:
    """Delete these conversations and every row that belongs to them.

    Returns:
        How many rows of each kind (`CONVERSATION_PARTS`) were deleted.
    """
    counts = dict.fromkeys(CONVERSATION_PARTS, 0)
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        events = select(col(OutboxEvent.event_id)).where(
            col(OutboxEvent.conversation_id).in_(chunk)
        )
        steps: list[tuple[str, Any]] = [
            ("webhook_deliveries", delete(WebhookDelivery).where(_in(WebhookDelivery, events))),
            ("outbox_events", delete(OutboxEvent).where(_of(OutboxEvent, chunk))),
            ("citations", delete(KnowledgeCitation).where(_of(KnowledgeCitation, chunk))),
            ("feedback", delete(Feedback).where(_of(Feedback, chunk))),
            ("messages", delete(Message).where(_of(Message, chunk))),
            ("conversations", delete(Conversation).where(col(Conversation.id).in_(chunk))),
        ]
        for name, statement in steps:
            counts[name] += _deleted(session, statement)
    return counts


def remove_feedback(session: Session, condition: ColumnElement[bool]) -> int:
    """Delete the feedback rows matching a condition; how many were deleted."""
    return _deleted(session, delete(Feedback).where(condition))


def _deleted(session: Session, statement: Any) -> int:
    result = session.exec(statement)  # type: ignore[call-overload]
    return int(result.rowcount or 0)


def _of(table: Any, ids: list[str]) -> ColumnElement[bool]:
    return col(table.conversation_id).in_(ids)  # type: ignore[no-any-return]


def _in(table: Any, events: Any) -> ColumnElement[bool]:
    return col(table.event_id).in_(events)  # type: ignore[no-any-return]


def _as_datetime(value: datetime | str) -> datetime:
    """A timestamp from SQL; SQLite may hand back text, and naive values are UTC."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
