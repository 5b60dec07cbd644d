"""Support analytics over UTC days: how the AI and the humans performed, what customers said.

A day range selects conversations by when they were opened, and messages and feedback by when
they were written. Every figure comes from the stored rows: counts and sums are SQL aggregates
grouped by UTC day (the range's totals add the days up, so they always agree), and percentiles
are taken in Python. Rows the retention purge or an erasure removed still count: their
figures were archived per day (`analytics_archive`) and are added to the stored rows'. Rates
lie in [0, 1], rounded to 4 decimals; averages are rounded to 2. A figure whose denominator is
empty is None, never 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, and_, case, cast, exists, extract, func, literal_column, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from supportgraph.api.analytics_archive import DayFigures, load_archive
from supportgraph.api.tables import Conversation, ConversationStatus, Feedback, Message, Sender
from supportgraph.guardrails.pii import redact

HUMAN_RESOLVERS = ("AGENT", "ADMIN")
"""`resolved_by` values of a conversation a human closed."""

TOP_INTENTS = 10
RECENT_COMMENTS = 20
SATISFIED_RATING = 4
"""A rating at or above this counts towards the CSAT score."""

UNKNOWN_REASON = "unknown"
"""The escalation reason reported for an escalated conversation that stored none."""

Figures = dict[str, Any]
"""A report, or one part of it, as JSON-ready values (dates and datetimes as such)."""


@dataclass(frozen=True)
class DayRange:
    """UTC calendar days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def lower(self) -> datetime:
        """The first instant of the range (midnight UTC of `start`)."""
        return datetime.combine(self.start, time(), UTC)

    @property
    def upper(self) -> datetime:
        """The first instant after the range (midnight UTC after `end`)."""
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    def days(self) -> list[date]:
        """Every day of the range, in order."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


class Sums(dict[str, float]):
    """Named counts and sums of one day, or of a whole range; a missing name is 0."""

    def __missing__(self, key: str) -> float:
        return 0

    @classmethod
    def total(cls, parts: Iterable[Sums]) -> Sums:
        """The name-by-name sum of several days."""
        result = cls()
        for part in parts:
            for name, value in part.items():
                result[name] += value
        return result


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile by linear interpolation between the closest ranks.

    This is numpy's default (`method="linear"`): the sorted values take ranks 0 to n-1, and the
    value at rank (n-1)·q/100 is interpolated between its two neighbours.

    Args:
        values: the observations, in any order.
        q: the percentile, from 0 to 100.

    Returns:
        The percentile, or None when there are no values.
    """
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def day_figures(connection: Connection, dialect: str, days: DayRange) -> dict[date, DayFigures]:
    """Each day's additive figures: from the stored rows, plus what purges archived.

    Args:
        connection: a connection to the platform database.
        dialect: its SQLAlchemy dialect name.
        days: the UTC days.

    Returns:
        The figures of every day in the range that has any.
    """
    figures = live_figures(connection, dialect, days)
    for day, archived in load_archive(connection, days.start, days.end).items():
        figures[day] = figures.get(day, DayFigures()).plus(archived)
    return figures


def live_figures(connection: Connection, dialect: str, days: DayRange) -> dict[date, DayFigures]:
    """Each day's additive figures, from the stored rows alone."""
    figures: defaultdict[date, DayFigures] = defaultdict(DayFigures)
    for part, per_day in (
        ("conversations", _conversation_sums(connection, dialect, days)),
        ("messages", _message_sums(connection, dialect, days)),
        ("feedback", _feedback_sums(connection, dialect, days)),
        ("intents", _intent_counts(connection, dialect, days)),
        ("escalation_reasons", _escalation_reasons(connection, dialect, days)),
    ):
        for day, sums in per_day.items():
            setattr(figures[day], part, dict(sums))
    for day, times in _response_times(connection, dialect, days).items():
        figures[day].response_times = sorted(times)
    for day, by_intent in _feedback_by_intent(connection, dialect, days).items():
        figures[day].feedback_by_intent = by_intent
    return dict(figures)


def performance_report(engine: Engine, days: DayRange) -> Figures:
    """How conversations went over these days: automation, escalation, speed, satisfaction.

    Args:
        engine: the platform database.
        days: the UTC days to report on.

    Returns:
        The range's figures and, under `daily`, some of them for each day: the fields of the
        API's `PerformanceReport`.
    """
    with engine.connect() as connection:
        per_day = day_figures(connection, engine.dialect.name, days)
    empty = DayFigures()
    c = Sums.total(Sums(d.conversations) for d in per_day.values())
    m = Sums.total(Sums(d.messages) for d in per_day.values())
    f = Sums.total(Sums(d.feedback) for d in per_day.values())
    all_times = [t for d in per_day.values() for t in d.response_times]
    return {
        "start_date": days.start,
        "end_date": days.end,
        "total_conversations": int(c["conversations"]),
        "ai_resolved_conversations": int(c["ai_resolved"]),
        "escalated_conversations": int(c["escalated"]),
        "human_resolved_conversations": int(c["human_resolved"]),
        "open_conversations": int(c["conversations"] - c["resolved"]),
        "automation_rate": _rate(c["ai_resolved"], c["conversations"]),
        "escalation_rate": _rate(c["escalated"], c["conversations"]),
        "resolution_rate": _rate(c["resolved"], c["conversations"]),
        "first_contact_resolution_rate": _rate(c["first_contact"], c["resolved"]),
        "avg_response_time_ms": _mean(sum(all_times), len(all_times)),
        "p50_response_time_ms": _round(percentile(all_times, 50)),
        "p95_response_time_ms": _round(percentile(all_times, 95)),
        "avg_resolution_time_minutes": _mean(c["resolution_s"] / 60, c["resolution_n"]),
        "avg_wait_time_minutes": _mean(c["wait_s"] / 60, c["wait_n"]),
        "avg_handle_time_minutes": _mean(c["handle_s"] / 60, c["handle_n"]),
        "customer_satisfaction": _mean(f["rating_sum"], f["rated"]),
        "csat_score": _rate(f["satisfied"], f["rated"]),
        "total_messages": int(m["messages"]),
        "ai_messages": int(m["ai_messages"]),
        "human_agent_messages": int(m["agent_messages"]),
        "avg_confidence": _mean(m["confidence_sum"], m["confidence_n"]),
        "top_intents": _top_intents(per_day.values()),
        "escalation_reasons": _reasons(per_day.values()),
        "daily": [
            _daily_performance(
                day,
                Sums(per_day.get(day, empty).conversations),
                Sums(per_day.get(day, empty).feedback),
                per_day.get(day, empty).response_times,
            )
            for day in days.days()
        ],
    }


def feedback_report(engine: Engine, days: DayRange) -> Figures:
    """What customers said over these days: ratings, thumbs, follow-ups and comments.

    Args:
        engine: the platform database.
        days: the UTC days to report on (by when the feedback was given).

    Returns:
        The range's figures, by the rated answer's intent and for each day: the fields of the
        API's `FeedbackReport`.
    """
    with engine.connect() as connection:
        per_day = day_figures(connection, engine.dialect.name, days)
        comments = _recent_comments(connection, days)
    f = Sums.total(Sums(d.feedback) for d in per_day.values())
    return {
        "start_date": days.start,
        "end_date": days.end,
        "total_feedback": int(f["feedback"]),
        "rated_feedback": int(f["rated"]),
        "average_rating": _mean(f["rating_sum"], f["rated"]),
        "rating_distribution": {str(n): int(f[f"rating_{n}"]) for n in range(1, 6)},
        "helpful_count": int(f["helpful"]),
        "not_helpful_count": int(f["not_helpful"]),
        "helpful_rate": _rate(f["helpful"], f["helpful"] + f["not_helpful"]),
        "follow_up_required_count": int(f["follow_up"]),
        "by_intent": _by_intent(per_day.values()),
        "recent_comments": comments,
        "daily": [
            _daily_feedback(day, Sums(per_day.get(day, DayFigures()).feedback))
            for day in days.days()
        ],
    }


def _top_intents(days: Iterable[DayFigures]) -> list[Figures]:
    counts = Sums.total(Sums(d.intents) for d in days)
    # Sorted here rather than in SQL, so ties order the same under every collation.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"intent": name, "count": int(n)} for name, n in ranked[:TOP_INTENTS] if n > 0]


def _reasons(days: Iterable[DayFigures]) -> dict[str, int]:
    counts = Sums.total(Sums(d.escalation_reasons) for d in days)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {name: int(n) for name, n in ranked if n > 0}


def _by_intent(days: Iterable[DayFigures]) -> list[Figures]:
    totals: defaultdict[str, Sums] = defaultdict(Sums)
    for day in days:
        for name, sums in day.feedback_by_intent.items():
            totals[name] = Sums.total([totals[name], Sums(sums)])
    rows = sorted(
        ((name, s) for name, s in totals.items() if s["feedback"] > 0),
        key=lambda row: (-row[1]["feedback"], row[0]),
    )
    return [
        {
            "intent": name,
            "feedback": int(s["feedback"]),
            "average_rating": _mean(s["rating_sum"], s["rated"]),
            "helpful_rate": _rate(s["thumbs_up"], s["thumbs"]),
        }
        for name, s in rows
    ]


def _daily_performance(day: date, c: Sums, f: Sums, times: list[float]) -> Figures:
    return {
        "date": day,
        "conversations": int(c["conversations"]),
        "automation_rate": _rate(c["ai_resolved"], c["conversations"]),
        "escalation_rate": _rate(c["escalated"], c["conversations"]),
        "csat_score": _rate(f["satisfied"], f["rated"]),
        "first_contact_resolution_rate": _rate(c["first_contact"], c["resolved"]),
        "p50_response_time_ms": _round(percentile(times, 50)),
        "p95_response_time_ms": _round(percentile(times, 95)),
    }


def _daily_feedback(day: date, f: Sums) -> Figures:
    return {
        "date": day,
        "feedback": int(f["feedback"]),
        "average_rating": _mean(f["rating_sum"], f["rated"]),
        "helpful_rate": _rate(f["helpful"], f["helpful"] + f["not_helpful"]),
    }


# -- queries ------------------------------------------------------------------------------


def _conversation_sums(connection: Connection, dialect: str, days: DayRange) -> dict[date, Sums]:
    """Per day opened: outcomes, and the summed durations behind the average times."""
    opened = col(Conversation.created_at)
    escalated_at, assigned_at = col(Conversation.escalated_at), col(Conversation.assigned_at)
    resolved_at = col(Conversation.resolved_at)
    resolved = col(Conversation.status) == ConversationStatus.RESOLVED
    escalated = escalated_at.is_not(None)
    ai_resolved = and_(resolved, escalated_at.is_(None))
    follow_up = exists().where(
        col(Feedback.conversation_id) == col(Conversation.id),
        col(Feedback.follow_up_required).is_(True),
    )
    human = and_(resolved, col(Conversation.resolved_by).in_(HUMAN_RESOLVERS))
    timed = and_(resolved, resolved_at.is_not(None))
    # After a hand-back and a new escalation, escalated_at is later than assigned_at: that
    # conversation is waiting again, and its earlier wait is not known any more.
    waited = and_(escalated, assigned_at >= escalated_at)
    handled = and_(human, assigned_at.is_not(None), resolved_at >= assigned_at)
    figures = {
        "conversations": func.count(),
        "ai_resolved": _count_if(ai_resolved),
        "escalated": _count_if(escalated),
        "human_resolved": _count_if(human),
        "resolved": _count_if(resolved),
        "first_contact": _count_if(and_(ai_resolved, ~follow_up)),
        "resolution_s": _sum_if(timed, _seconds(opened, resolved_at, dialect)),
        "resolution_n": _count_if(timed),
        "wait_s": _sum_if(waited, _seconds(escalated_at, assigned_at, dialect)),
        "wait_n": _count_if(waited),
        "handle_s": _sum_if(handled, _seconds(assigned_at, resolved_at, dialect)),
        "handle_n": _count_if(handled),
    }
    return _by_day(connection, opened, dialect, days, figures)


def _message_sums(connection: Connection, dialect: str, days: DayRange) -> dict[date, Sums]:
    ai = col(Message.sender) == Sender.AI
    confident = and_(ai, col(Message.confidence_score).is_not(None))
    figures = {
        "messages": func.count(),
        "ai_messages": _count_if(ai),
        "agent_messages": _count_if(col(Message.sender) == Sender.AGENT),
        "confidence_sum": _sum_if(confident, col(Message.confidence_score)),
        "confidence_n": _count_if(confident),
    }
    return _by_day(connection, col(Message.created_at), dialect, days, figures)


def _feedback_sums(connection: Connection, dialect: str, days: DayRange) -> dict[date, Sums]:
    rating, helpful = col(Feedback.rating), col(Feedback.helpful)
    rated = rating.is_not(None)
    figures = {
        "feedback": func.count(),
        "rated": _count_if(rated),
        "rating_sum": _sum_if(rated, rating),
        "satisfied": _count_if(rating >= SATISFIED_RATING),
        "helpful": _count_if(helpful.is_(True)),
        "not_helpful": _count_if(helpful.is_(False)),
        "follow_up": _count_if(col(Feedback.follow_up_required).is_(True)),
        **{f"rating_{n}": _count_if(rating == n) for n in range(1, 6)},
    }
    return _by_day(connection, col(Feedback.created_at), dialect, days, figures)


def _response_times(connection: Connection, dialect: str, days: DayRange) -> dict[date, list[int]]:
    """The processing times of the AI's answers, by day written."""
    written, took = col(Message.created_at), col(Message.processing_time_ms)
    query = select(_utc_day(written, dialect), took).where(
        _within(written, days), col(Message.sender) == Sender.AI, took.is_not(None)
    )
    times: dict[date, list[int]] = defaultdict(list)
    for day, value in connection.execute(query):
        times[_as_date(day)].append(value)
    return times


def _intent_counts(connection: Connection, dialect: str, days: DayRange) -> dict[date, Sums]:
    """AI answers by intent, by day written."""
    written, intent = col(Message.created_at), col(Message.intent)
    day = _utc_day(written, dialect)
    query = (
        select(day, intent, func.count())
        .where(_within(written, days), col(Message.sender) == Sender.AI, intent.is_not(None))
        .group_by(day, intent)
    )
    counts: defaultdict[date, Sums] = defaultdict(Sums)
    for when, name, n in connection.execute(query):
        counts[_as_date(when)][name] += n
    return dict(counts)


def _escalation_reasons(connection: Connection, dialect: str, days: DayRange) -> dict[date, Sums]:
    """Escalated conversations by reason, by day opened."""
    opened, reason = col(Conversation.created_at), col(Conversation.escalation_reason)
    day = _utc_day(opened, dialect)
    query = (
        select(day, reason, func.count())
        .where(_within(opened, days), col(Conversation.escalated_at).is_not(None))
        .group_by(day, reason)
    )
    counts: defaultdict[date, Sums] = defaultdict(Sums)
    for when, name, n in connection.execute(query):
        # A customer may give their own reason for asking for a human: it leaves redacted.
        counts[_as_date(when)][redact(name) if name else UNKNOWN_REASON] += n
    return dict(counts)


def _feedback_by_intent(
    connection: Connection, dialect: str, days: DayRange
) -> dict[date, dict[str, dict[str, float]]]:
    """Sums of the feedback on answers, by day given and the rated answer's intent."""
    intent, rating, helpful = col(Message.intent), col(Feedback.rating), col(Feedback.helpful)
    given = col(Feedback.created_at)
    day = _utc_day(given, dialect)
    query = (
        select(
            day,
            intent,
            func.count(),
            _sum_if(rating.is_not(None), rating),
            func.count(rating),
            _count_if(helpful.is_(True)),
            func.count(helpful),
        )
        .select_from(Feedback)
        .join(Message, col(Feedback.message_id) == col(Message.id))
        .where(_within(given, days), intent.is_not(None))
        .group_by(day, intent)
    )
    result: defaultdict[date, dict[str, dict[str, float]]] = defaultdict(dict)
    names = ("feedback", "rating_sum", "rated", "thumbs_up", "thumbs")
    for when, name, *values in connection.execute(query):
        result[_as_date(when)][name] = dict(zip(names, map(_number, values), strict=True))
    return dict(result)


def _recent_comments(connection: Connection, days: DayRange) -> list[Figures]:
    created, comment = col(Feedback.created_at), col(Feedback.comment)
    query = (
        select(
            col(Feedback.id),
            col(Feedback.conversation_id),
            col(Feedback.message_id),
            col(Feedback.rating),
            col(Feedback.helpful),
            comment,
            created,
        )
        .where(_within(created, days), func.trim(comment) != "")
        .order_by(created.desc(), col(Feedback.id).desc())
        .limit(RECENT_COMMENTS)
    )
    return [
        {
            "feedback_id": row[0],
            "conversation_id": row[1],
            "message_id": row[2],
            "rating": row[3],
            "helpful": None if row[4] is None else bool(row[4]),
            "comment": redact(row[5]),  # a report leaves the platform: no customer PII in it
            "created_at": _utc(row[6]),
        }
        for row in connection.execute(query)
    ]


# -- SQL helpers ----------------------------------------------------------------------------


def _by_day(
    connection: Connection,
    timestamp: Any,
    dialect: str,
    days: DayRange,
    figures: dict[str, Any],
) -> dict[date, Sums]:
    """Run the aggregates over the rows whose timestamp lies in the range, one row per day."""
    day = _utc_day(timestamp, dialect)
    query = (
        select(day, *(expression.label(name) for name, expression in figures.items()))
        .where(_within(timestamp, days))
        .group_by(day)
    )
    result: dict[date, Sums] = {}
    for row in connection.execute(query):
        result[_as_date(row[0])] = Sums(zip(figures, map(_number, row[1:]), strict=True))
    return result


def _within(timestamp: Any, days: DayRange) -> ColumnElement[bool]:
    return and_(timestamp >= days.lower, timestamp < days.upper)


def _utc_day(timestamp: Any, dialect: str) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp, as SQL."""
    if dialect == "postgresql":
        # Literal SQL rather than a bound parameter, so GROUP BY repeats the SELECT exactly.
        return cast(func.timezone(literal_column("'UTC'"), timestamp), Date)
    # SQLite stores UTC text; date() also shifts a value written with an offset to UTC.
    return func.date(timestamp)


def _seconds(start: Any, end: Any, dialect: str) -> ColumnElement[Any]:
    """Seconds from one timestamp to another, as SQL."""
    if dialect == "postgresql":
        return extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.sum(case((condition, 1), else_=0))


def _sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
    return func.sum(case((condition, value), else_=0))


# -- figures ----------------------------------------------------------------------------


def _number(value: Any) -> float:
    """An aggregate as a Python number: NULL (no rows) is 0, a Postgres numeric a float."""
    if value is None:
        return 0
    if isinstance(value, Decimal):
        return float(value)
    return value  # type: ignore[no-any-return]


def _rate(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(total: float, count: float) -> float | None:
    return round(total / count, 2) if count else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _as_date(value: date | str) -> date:
    """A day from SQL: a date on Postgres, `YYYY-MM-DD` text on SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def _utc(value: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime; SQLite gives back naive UTC ones."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
