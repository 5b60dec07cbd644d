"""The analytics figures of removed rows: what a purge or an erasure took out of each UTC day.

A day's figures are sums that add up: counts and sums by name, the AI's response times (a
multiset, so percentiles stay exact), intent and escalation-reason counts, and feedback sums
by the rated answer's intent. Before rows are removed, the figures of the days they touch are
taken from the stored rows; after, again; the difference goes into `analytics_daily`, and the
reports add it back. No text and no id a customer could be traced by is kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from supportgraph.api.tables import AnalyticsDay, utcnow

Numbers = dict[str, float]
"""Named counts and sums."""

_SUM_PARTS = ("conversations", "messages", "feedback", "intents", "escalation_reasons")


def _combine(first: Mapping[str, float], second: Mapping[str, float], sign: int) -> Numbers:
    """`first + sign * second`, name by name; names that come to 0 are left out."""
    result = dict(first)
    for name, value in second.items():
        result[name] = result.get(name, 0) + sign * value
    return {name: value for name, value in result.items() if value != 0}


@dataclass
class DayFigures:
    """The additive analytics figures of one UTC day."""

    conversations: Numbers = field(default_factory=dict)
    """Sums over the conversations opened that day (see `analytics._conversation_sums`)."""
    messages: Numbers = field(default_factory=dict)
    feedback: Numbers = field(default_factory=dict)
    response_times: list[float] = field(default_factory=list)
    """Processing times of the AI answers written that day, in milliseconds."""
    intents: Numbers = field(default_factory=dict)
    """AI answers of that day by intent."""
    escalation_reasons: Numbers = field(default_factory=dict)
    """Escalated conversations opened that day, by reason."""
    feedback_by_intent: dict[str, Numbers] = field(default_factory=dict)
    """Sums of that day's feedback on answers, by the answer's intent."""

    def plus(self, other: DayFigures) -> DayFigures:
        """Both days' figures added up."""
        return self._merged(other, 1)

    def minus(self, other: DayFigures) -> DayFigures:
        """These figures less another's (response times: the multiset difference)."""
        return self._merged(other, -1)

    def _merged(self, other: DayFigures, sign: int) -> DayFigures:
        parts = {
            name: _combine(getattr(self, name), getattr(other, name), sign) for name in _SUM_PARTS
        }
        if sign > 0:
            times = sorted([*self.response_times, *other.response_times])
        else:
            left = Counter(self.response_times) - Counter(other.response_times)
            times = sorted(left.elements())
        intents = set(self.feedback_by_intent) | set(other.feedback_by_intent)
        by_intent = {
            name: _combine(
                self.feedback_by_intent.get(name, {}), other.feedback_by_intent.get(name, {}), sign
            )
            for name in sorted(intents)
        }
        return DayFigures(
            **parts,
            response_times=times,
            feedback_by_intent={name: sums for name, sums in by_intent.items() if sums},
        )

    def is_empty(self) -> bool:
        """Whether every figure is 0 (nothing to keep)."""
        return not any(self.to_json().values())

    def to_json(self) -> dict[str, Any]:
        """The figures as a JSON object."""
        return {
            **{name: dict(getattr(self, name)) for name in _SUM_PARTS},
            "response_times": list(self.response_times),
            "feedback_by_intent": {k: dict(v) for k, v in self.feedback_by_intent.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DayFigures:
        """Read figures stored by `to_json`."""
        return cls(
            **{name: dict(data.get(name) or {}) for name in _SUM_PARTS},
            response_times=list(data.get("response_times") or []),
            feedback_by_intent={
                k: dict(v) for k, v in (data.get("feedback_by_intent") or {}).items()
            },
        )


def load_archive(connection: Connection, start: date, end: date) -> dict[date, DayFigures]:
    """The archived figures of the days from `start` to `end`, both included."""
    query = select(col(AnalyticsDay.day), col(AnalyticsDay.figures)).where(
        col(AnalyticsDay.day) >= start, col(AnalyticsDay.day) <= end
    )
    return {day: DayFigures.from_json(figures) for day, figures in connection.execute(query)}


def archive(session: Session, removed: Mapping[date, DayFigures]) -> int:
    """Add what was removed from each day to its archived figures, in the caller's session.

    Returns:
        How many days' figures changed.
    """
    changed = 0
    for day, figures in sorted(removed.items()):
        if figures.is_empty():
            continue
        row = session.get(AnalyticsDay, day)
        if row is None:
            row = AnalyticsDay(day=day, figures={})
        row.figures = DayFigures.from_json(row.figures).plus(figures).to_json()
        row.updated_at = utcnow()
        session.add(row)
        changed += 1
    return changed


def difference(
    before: Mapping[date, DayFigures], after: Mapping[date, DayFigures]
) -> dict[date, DayFigures]:
    """Day by day, what `before` holds that `after` does not."""
    return {
        day: before.get(day, DayFigures()).minus(after.get(day, DayFigures()))
        for day in set(before) | set(after)
    }
