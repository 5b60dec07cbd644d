"""Support analytics at /api/v1/support/analytics: performance and feedback reports, for admins.

No `from __future__ import annotations` here: FastAPI reads the route signatures.
"""

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from supportgraph.api.analytics import DayRange, feedback_report, performance_report
from supportgraph.api.auth import Principal, Role
from supportgraph.api.deps import Access
from supportgraph.api.tables import utcnow

DEFAULT_DAYS = 7
"""Days reported when no start date is given: the week ending on `end_date`."""

MAX_DAYS = 366
"""The longest range, in days (both ends included)."""

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

_RATE = "In [0, 1], 4 decimals; null when the denominator is empty."
_AVG = "2 decimals; null when there is nothing to average."
_PERCENTILE = "Linear interpolation between the closest ranks (numpy's default); 2 decimals."

_INTENT = {"intent": "order_status", "count": 64}
_DAILY_PERFORMANCE = {
    "date": "2026-12-01",
    "conversations": 40,
    "automation_rate": 0.7,
    "escalation_rate": 0.2,
    "csat_score": 0.8571,
    "first_contact_resolution_rate": 0.7941,
    "p50_response_time_ms": 640.0,
    "p95_response_time_ms": 2210.5,
}
_INTENT_FEEDBACK = {
    "intent": "order_status",
    "feedback": 5,
    "average_rating": 4.6,
    "helpful_rate": 1.0,
}
_COMMENT = {
    "feedback_id": "fb_7a2e",
    "conversation_id": "conv_9b1d4c2e",
    "message_id": "msg_51c0",
    "rating": 5,
    "helpful": True,
    "comment": "Quick, thanks",
    "created_at": "2026-12-01T10:04:00Z",
}
_DAILY_FEEDBACK = {
    "date": "2026-12-01",
    "feedback": 12,
    "average_rating": 4.2,
    "helpful_rate": 0.7778,
}


def _example(example: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": [example]})


class IntentCount(BaseModel):
    """How many of the AI's answers had one intent."""

    model_config = _example(_INTENT)

    intent: str
    count: int


class DailyPerformance(BaseModel):
    """One UTC day of the performance report."""

    model_config = _example(_DAILY_PERFORMANCE)

    date: date
    conversations: int = Field(description="Conversations opened that day.")
    automation_rate: float | None = Field(description=f"AI-resolved over opened that day. {_RATE}")
    escalation_rate: float | None = Field(description=f"Escalated over opened that day. {_RATE}")
    csat_score: float | None = Field(description=f"Share of that day's ratings at 4 or 5. {_RATE}")
    first_contact_resolution_rate: float | None = Field(
        description="Of the resolved conversations opened that day, those never escalated and "
        f"with no follow-up asked for. {_RATE}"
    )
    p50_response_time_ms: float | None = Field(
        description=f"Median processing time of that day's AI answers. {_PERCENTILE}"
    )
    p95_response_time_ms: float | None = Field(
        description=f"95th percentile of the same. {_PERCENTILE}"
    )


class PerformanceReport(BaseModel):
    """Automation, escalation, speed and satisfaction over a range of UTC days."""

    model_config = _example(
        {
            "start_date": "2026-12-01",
            "end_date": "2026-12-01",
            "total_conversations": 40,
            "ai_resolved_conversations": 28,
            "escalated_conversations": 8,
            "human_resolved_conversations": 6,
            "open_conversations": 6,
            "automation_rate": 0.7,
            "escalation_rate": 0.2,
            "resolution_rate": 0.85,
            "first_contact_resolution_rate": 0.7941,
            "avg_response_time_ms": 812.4,
            "p50_response_time_ms": 640.0,
            "p95_response_time_ms": 2210.5,
            "avg_resolution_time_minutes": 14.25,
            "avg_wait_time_minutes": 3.5,
            "avg_handle_time_minutes": 11.8,
            "customer_satisfaction": 4.31,
            "csat_score": 0.8571,
            "total_messages": 412,
            "ai_messages": 180,
            "human_agent_messages": 37,
            "avg_confidence": 0.87,
            "top_intents": [_INTENT, {"intent": "return_items", "count": 31}],
            "escalation_reasons": {"requested": 5, "negative_sentiment": 3},
            "daily": [_DAILY_PERFORMANCE],
        }
    )

    start_date: date = Field(description="First UTC day of the range.")
    end_date: date = Field(description="Last UTC day of the range (included).")
    total_conversations: int = Field(description="Conversations opened in the range.")
    ai_resolved_conversations: int = Field(description="Of those, resolved and never escalated.")
    escalated_conversations: int = Field(
        description="Of those, sent to the human queue at least once."
    )
    human_resolved_conversations: int = Field(
        description="Of those, resolved by an agent or admin."
    )
    open_conversations: int = Field(description="Of those, not resolved yet.")
    automation_rate: float | None = Field(description=f"AI-resolved over total. {_RATE}")
    escalation_rate: float | None = Field(description=f"Escalated over total. {_RATE}")
    resolution_rate: float | None = Field(description=f"Resolved over total. {_RATE}")
    first_contact_resolution_rate: float | None = Field(
        description="Of the resolved ones, those never escalated and with no feedback asking "
        f"for a follow-up. {_RATE}"
    )
    avg_response_time_ms: float | None = Field(
        description=f"Mean processing time of the AI answers written in the range. {_AVG}"
    )
    p50_response_time_ms: float | None = Field(description=f"Median of the same. {_PERCENTILE}")
    p95_response_time_ms: float | None = Field(
        description=f"95th percentile of the same. {_PERCENTILE}"
    )
    avg_resolution_time_minutes: float | None = Field(
        description=f"Opened to resolved, over the resolved conversations. {_AVG}"
    )
    avg_wait_time_minutes: float | None = Field(
        description=f"Joined the human queue to taken by a human, over the taken ones. {_AVG}"
    )
    avg_handle_time_minutes: float | None = Field(
        description=f"Taken by a human to resolved, over the human-resolved ones. {_AVG}"
    )
    customer_satisfaction: float | None = Field(
        description=f"Mean rating (1-5) of the feedback given in the range. {_AVG}"
    )
    csat_score: float | None = Field(description=f"Share of those ratings at 4 or 5. {_RATE}")
    total_messages: int = Field(description="Messages written in the range, by anyone.")
    ai_messages: int = Field(description="Of those, the AI's answers.")
    human_agent_messages: int = Field(description="Of those, human agents' messages.")
    avg_confidence: float | None = Field(description=f"Mean confidence of the AI answers. {_AVG}")
    top_intents: list[IntentCount] = Field(
        description="The AI answers' ten commonest intents, by count then name."
    )
    escalation_reasons: dict[str, int] = Field(
        description="Escalated conversations by reason (`unknown` when none was stored)."
    )
    daily: list[DailyPerformance] = Field(description="Every day of the range, empty ones too.")


class IntentFeedback(BaseModel):
    """Feedback on the AI answers of one intent."""

    model_config = _example(_INTENT_FEEDBACK)

    intent: str
    feedback: int = Field(description="Feedback given on answers of this intent.")
    average_rating: float | None = Field(description=f"Mean of their ratings. {_AVG}")
    helpful_rate: float | None = Field(description=f"Thumbs up over thumbs given. {_RATE}")


class FeedbackComment(BaseModel):
    """One customer comment."""

    model_config = _example(_COMMENT)

    feedback_id: str
    conversation_id: str
    message_id: str | None = Field(description="The answer rated; null for the conversation.")
    rating: int | None
    helpful: bool | None
    comment: str
    created_at: datetime


class DailyFeedback(BaseModel):
    """One UTC day of the feedback report."""

    model_config = _example(_DAILY_FEEDBACK)

    date: date
    feedback: int = Field(description="Feedback given that day.")
    average_rating: float | None = Field(description=f"Mean rating that day. {_AVG}")
    helpful_rate: float | None = Field(description=f"Thumbs up over thumbs given. {_RATE}")


class FeedbackReport(BaseModel):
    """Ratings, thumbs, follow-ups and comments given over a range of UTC days."""

    model_config = _example(
        {
            "start_date": "2026-12-01",
            "end_date": "2026-12-01",
            "total_feedback": 12,
            "rated_feedback": 10,
            "average_rating": 4.2,
            "rating_distribution": {"1": 0, "2": 1, "3": 1, "4": 3, "5": 5},
            "helpful_count": 7,
            "not_helpful_count": 2,
            "helpful_rate": 0.7778,
            "follow_up_required_count": 1,
            "by_intent": [_INTENT_FEEDBACK],
            "recent_comments": [_COMMENT],
            "daily": [_DAILY_FEEDBACK],
        }
    )

    start_date: date = Field(description="First UTC day of the range.")
    end_date: date = Field(description="Last UTC day of the range (included).")
    total_feedback: int = Field(description="Feedback given in the range.")
    rated_feedback: int = Field(description="Of it, with a 1-5 rating.")
    average_rating: float | None = Field(description=f"Mean rating. {_AVG}")
    rating_distribution: dict[str, int] = Field(description='Ratings by value, "1" to "5".')
    helpful_count: int = Field(description="Thumbs up.")
    not_helpful_count: int = Field(description="Thumbs down.")
    helpful_rate: float | None = Field(description=f"Thumbs up over thumbs given. {_RATE}")
    follow_up_required_count: int = Field(description="Feedback saying more must be done.")
    by_intent: list[IntentFeedback] = Field(
        description="Feedback on an answer, by that answer's intent; most feedback first."
    )
    recent_comments: list[FeedbackComment] = Field(
        description="The latest 20 comments that are not blank, newest first."
    )
    daily: list[DailyFeedback] = Field(description="Every day of the range, empty ones too.")


class InvalidRange(ValueError):
    """A date range the reports cannot cover; the message says why."""


def parse_day_range(start: str | None, end: str | None, today: date) -> DayRange:
    """The UTC days between two `YYYY-MM-DD` dates, both included.

    Args:
        start: the first day; by default `DEFAULT_DAYS - 1` days before `end`.
        end: the last day; by default today.
        today: today's UTC date.

    Returns:
        The range.

    Raises:
        InvalidRange: a date is not `YYYY-MM-DD`, the start is after today, the end is before
            the start, or the range spans more than `MAX_DAYS` days.
    """
    last = today if end is None else _day("end_date", end)
    first = last - timedelta(days=DEFAULT_DAYS - 1) if start is None else _day("start_date", start)
    if first > today:
        raise InvalidRange(f"start_date {first} is in the future (today is {today}, UTC)")
    if last < first:
        raise InvalidRange(f"end_date {last} is before start_date {first}")
    span = (last - first).days + 1
    if span > MAX_DAYS:
        raise InvalidRange(f"the range spans {span} days; at most {MAX_DAYS} are allowed")
    return DayRange(first, last)


def _day(name: str, value: str) -> date:
    if _DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidRange(f"{name} {value[:40]!r} is not a date: use YYYY-MM-DD")


def build_analytics_router(
    engine: Engine, access: Access, *, clock: Callable[[], datetime] = utcnow
) -> APIRouter:
    """The admin analytics routes over the platform database.

    Args:
        engine: the platform database (`supportgraph.api.db.platform_engine`).
        access: the shared token, rate-limit and role checks.
        clock: the current time; "today" is its UTC date.
    """
    router = APIRouter(prefix="/api/v1/support/analytics", tags=["analytics"])
    Admin = Annotated[Principal, Depends(access.role(Role.ADMIN))]

    def day_range(
        start_date: Annotated[
            str | None,
            Query(
                description="First UTC day, YYYY-MM-DD (default: 6 days before end_date).",
                examples=["2026-12-01"],
            ),
        ] = None,
        end_date: Annotated[
            str | None,
            Query(
                description="Last UTC day, YYYY-MM-DD, included (default: today).",
                examples=["2026-12-07"],
            ),
        ] = None,
    ) -> DayRange:
        try:
            return parse_day_range(start_date, end_date, clock().astimezone(UTC).date())
        except InvalidRange as error:
            raise HTTPException(
                422, {"code": "invalid_date_range", "message": str(error)}
            ) from error

    Days = Annotated[DayRange, Depends(day_range)]
    responses: dict[int | str, dict[str, str]] = {
        403: {"description": "The caller is not an admin"},
        422: {"description": "The date range is not valid; the message says why"},
    }

    @router.get(
        "/performance",
        summary="Automation, escalation, speed and satisfaction over a range of days",
        responses=responses,
    )
    async def performance(_: Admin, days: Days) -> PerformanceReport:
        figures = await asyncio.to_thread(performance_report, engine, days)
        return PerformanceReport.model_validate(figures)

    @router.get(
        "/feedback",
        summary="Ratings, thumbs, follow-ups and comments over a range of days",
        responses=responses,
    )
    async def feedback(_: Admin, days: Days) -> FeedbackReport:
        figures = await asyncio.to_thread(feedback_report, engine, days)
        return FeedbackReport.model_validate(figures)

    return router
