"""The admin analytics reports, checked figure by figure against a hand-computed fixture.

The fixture covers 2026-03-09 to 2026-03-14; the reports are asked for 2026-03-10 to 2026-03-13,
so the first and last day's rows lie just outside the range, and 2026-03-11 has nothing at all.
Every expected number below was worked out by hand from the rows, not by running the formulas.
On Postgres the session time zone is Pacific/Auckland (UTC+13 in March), so a report that
bucketed days in the session's zone instead of UTC would put rows on the wrong day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from supportgraph.api.analytics import percentile
from supportgraph.api.analytics_routes import build_analytics_router
from supportgraph.api.auth import Authenticator, Role
from supportgraph.api.db import platform_engine, upgrade
from supportgraph.api.deps import Access
from supportgraph.api.limits import RateLimits
from supportgraph.api.tables import Conversation, Feedback, Message
from supportgraph.settings import Settings
from supportgraph.tests.fakes import TEST_KEYRING
from supportgraph.tests.postgres import postgres_schema

BASE = "/api/v1/support/analytics"
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
RANGE = {"start_date": "2026-03-10", "end_date": "2026-03-13"}


def at(day: int, clock: str) -> datetime:
    """A UTC instant in March 2026: `at(10, "09:00:12")`."""
    hour, minute, *second = (int(part) for part in clock.split(":"))
    return datetime(2026, 3, day, hour, minute, second[0] if second else 0, tzinfo=UTC)


# -- databases ------------------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throw-away schema whose sessions run in Auckland time; skips without PostgreSQL."""
    with postgres_schema("sg_analytics_test", options="-ctimezone=Pacific/Auckland") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The platform tables, migrated, on each database the platform runs on."""
    url = request.getfixturevalue(f"{request.param}_url")
    upgrade(url)
    built = platform_engine(url, keyring=TEST_KEYRING)
    yield built
    built.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    upgrade(sqlite_url)
    built = platform_engine(sqlite_url, keyring=TEST_KEYRING)
    yield built
    built.dispose()


class Api:
    """The analytics router alone, with a token for any caller."""

    def __init__(self, engine: Engine, tmp_path: Path, clock: Callable[[], datetime]) -> None:
        settings = Settings(data_dir=tmp_path / "data", database_url="", dev_auth=True)
        self.auth = Authenticator(settings)
        app = FastAPI()
        access = Access(self.auth, RateLimits())
        app.include_router(build_analytics_router(engine, access, clock=clock))
        self.client = TestClient(app)

    def headers(self, role: Role, subject: str = "admin_1") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.auth.issue(role, subject)}"}

    def get(self, report: str, params: dict[str, str] | None = None, **kw: Any) -> Any:
        headers = kw.get("headers", self.headers(Role.ADMIN))
        return self.client.get(f"{BASE}/{report}", params=params, headers=headers)


def api_for(engine: Engine, tmp_path: Path, now: datetime = NOW) -> Api:
    return Api(engine, tmp_path, lambda: now)


# -- the fixture ------------------------------------------------------------------------------


def conversation(cid: str, created: datetime, **fields: Any) -> Conversation:
    return Conversation(id=cid, created_at=created, updated_at=created, **fields)


def message(mid: str, cid: str, sender: str, written: datetime, **fields: Any) -> Message:
    return Message(
        id=mid, conversation_id=cid, sender=sender, content=mid, created_at=written, **fields
    )


def ai(
    mid: str, cid: str, written: datetime, took: int | None, conf: float | None, intent: Any
) -> Message:
    return message(
        mid,
        cid,
        "AI",
        written,
        processing_time_ms=took,
        confidence_score=conf,
        intent=intent,
    )


def feedback(fid: str, cid: str, given: datetime, **fields: Any) -> Feedback:
    return Feedback(id=fid, conversation_id=cid, created_at=given, **fields)


def seed(engine: Engine) -> None:
    """Nine conversations, their messages and their feedback (see the module docstring)."""
    rows: list[Any] = [
        # c0, the day before: only its second exchange falls inside the range.
        conversation("c0", at(9, "23:50"), status="RESOLVED", resolved_by="AI",
                     resolved_at=at(10, "00:05")),
        message("m0a", "c0", "CUSTOMER", at(9, "23:50:00")),
        ai("m0b", "c0", at(9, "23:50:03"), 9999, 0.99, "order_status"),
        message("m0c", "c0", "CUSTOMER", at(10, "00:00:02")),
        ai("m0d", "c0", at(10, "00:00:05"), 1000, 0.5, "order_status"),
        feedback("f0", "c0", at(9, "23:55"), rating=1, helpful=False, comment="Out of range",
                 follow_up_required=True),
        # c1: resolved by the AI in 30 minutes, two answers rated.
        conversation("c1", at(10, "09:00"), status="RESOLVED", resolved_by="AI",
                     resolved_at=at(10, "09:30")),
        message("m1a", "c1", "CUSTOMER", at(10, "09:00:10"), intent="greeting"),
        ai("m1b", "c1", at(10, "09:00:12"), 120, 0.9, "order_status"),
        message("m1c", "c1", "CUSTOMER", at(10, "09:05:00")),
        ai("m1d", "c1", at(10, "09:05:02"), 80, 0.8, "order_status"),
        feedback("f1", "c1", at(10, "09:31"), message_id="m1d", rating=5, helpful=True,
                 comment="Quick, thanks"),
        feedback("f5", "c1", at(10, "09:32"), message_id="m1b", rating=3, helpful=True,
                 comment="Second answer was better"),
        # c2: escalated, waited 10 minutes, handled for 45, resolved by the agent.
        conversation("c2", at(10, "10:00"), status="RESOLVED", resolved_by="AGENT",
                     escalated_at=at(10, "10:05"), escalation_reason="negative_sentiment",
                     assigned_at=at(10, "10:15"), assigned_agent_id="agent_1",
                     resolved_at=at(10, "11:00")),
        message("m2a", "c2", "CUSTOMER", at(10, "10:00:10")),
        ai("m2b", "c2", at(10, "10:00:12"), 200, 0.4, "refund"),
        message("m2c", "c2", "SYSTEM", at(10, "10:05")),
        message("m2d", "c2", "AGENT", at(10, "10:16"), sender_id="agent_1"),
        message("m2e", "c2", "AGENT", at(10, "10:50"), sender_id="agent_1"),
        feedback("f2", "c2", at(10, "11:05"), message_id="m2b", rating=2, helpful=False,
                 comment="Still waiting for my refund", follow_up_required=True),
        # c3: escalated, taken after 25 minutes, handed back to the AI, still open.
        conversation("c3", at(12, "08:00"), status="ACTIVE", escalated_at=at(12, "08:10"),
                     escalation_reason="requested", assigned_at=at(12, "08:35")),
        message("m3a", "c3", "CUSTOMER", at(12, "08:00:00")),
        ai("m3b", "c3", at(12, "08:00:03"), 300, 0.3, None),
        message("m3c", "c3", "SYSTEM", at(12, "08:10")),
        message("m3d", "c3", "AGENT", at(12, "08:36"), sender_id="agent_2"),
        ai("m3e", "c3", at(12, "08:50"), 50, None, "cancel_order"),
        feedback("f4", "c3", at(12, "08:05"), message_id="m3b", rating=4, comment="   "),
        # c4: open, never escalated; an answer without a processing time.
        conversation("c4", at(12, "12:00")),
        message("m4a", "c4", "CUSTOMER", at(12, "12:00:00")),
        ai("m4b", "c4", at(12, "12:00:01"), None, 0.7, "cancel_order"),
        feedback("f3", "c4", at(12, "12:10"), helpful=True),
        # c5: opened late on the last day, resolved by the AI after midnight; the customer's
        # follow-up request, given after the range, still makes it no first-contact resolution.
        conversation("c5", at(13, "23:30"), status="RESOLVED", resolved_by="AI",
                     resolved_at=at(14, "00:10")),
        message("m5a", "c5", "CUSTOMER", at(13, "23:30:05")),
        ai("m5b", "c5", at(13, "23:30:07"), 400, 0.6, "refund"),
        ai("m5c", "c5", at(14, "00:05"), 10, 0.95, "refund"),
        feedback("f7", "c5", at(14, "00:20"), message_id="m5b", rating=4,
                 comment="Please call me", follow_up_required=True),
        # c6: taken, handed back, escalated again (no reason stored): waiting once more.
        conversation("c6", at(13, "09:00"), status="ESCALATED", escalated_at=at(13, "09:50"),
                     assigned_at=at(13, "09:20")),
        message("m6a", "c6", "CUSTOMER", at(13, "09:00")),
        ai("m6b", "c6", at(13, "09:00:02"), 150, 0.85, "account_info"),
        feedback("f8", "c6", at(13, "09:10"), message_id="m6b", comment="Which account?"),
        # c7: escalated and closed by an admin 45 minutes after opening, never assigned.
        conversation("c7", at(13, "10:00"), status="RESOLVED", resolved_by="ADMIN",
                     escalated_at=at(13, "10:02"), escalation_reason="requested",
                     resolved_at=at(13, "10:45")),
        message("m7a", "c7", "CUSTOMER", at(13, "10:00")),
        ai("m7b", "c7", at(13, "10:00:02"), 250, 0.2, "refund"),
        feedback("f6", "c7", at(13, "10:50"), message_id="m7b", rating=4, comment="ok"),
        # c8, the day after.
        conversation("c8", at(14, "00:00"), status="ESCALATED", escalated_at=at(14, "00:01"),
                     escalation_reason="guardrail"),
        message("m8a", "c8", "CUSTOMER", at(14, "00:00")),
    ]  # fmt: skip
    with Session(engine) as session:
        for row in rows:
            session.add(row)
            session.flush()
        session.commit()


EXPECTED_PERFORMANCE = {
    "start_date": "2026-03-10",
    "end_date": "2026-03-13",
    "total_conversations": 7,  # c1-c7
    "ai_resolved_conversations": 2,  # c1, c5
    "escalated_conversations": 4,  # c2, c3, c6, c7
    "human_resolved_conversations": 2,  # c2, c7
    "open_conversations": 3,  # c3, c4, c6
    "automation_rate": 0.2857,  # 2/7
    "escalation_rate": 0.5714,  # 4/7
    "resolution_rate": 0.5714,  # 4/7
    "first_contact_resolution_rate": 0.25,  # c1 of c1, c2, c5, c7
    "avg_response_time_ms": 283.33,  # 2550/9 (m4b has no time)
    "p50_response_time_ms": 200.0,  # 50 80 120 150 [200] 250 300 400 1000
    "p95_response_time_ms": 760.0,  # rank 7.6: 400 + 0.6 * 600
    "avg_resolution_time_minutes": 43.75,  # (30 + 60 + 40 + 45) / 4
    "avg_wait_time_minutes": 17.5,  # (10 + 25) / 2; c6's assignment predates its escalation
    "avg_handle_time_minutes": 45.0,  # c2 only; c7 was never assigned
    "customer_satisfaction": 3.6,  # (5 + 3 + 2 + 4 + 4) / 5
    "csat_score": 0.6,  # 3 of 5
    "total_messages": 24,
    "ai_messages": 10,
    "human_agent_messages": 3,
    "avg_confidence": 0.58,  # 5.25 / 9
    "top_intents": [
        {"intent": "order_status", "count": 3},
        {"intent": "refund", "count": 3},
        {"intent": "cancel_order", "count": 2},
        {"intent": "account_info", "count": 1},
    ],
    "escalation_reasons": {"requested": 2, "negative_sentiment": 1, "unknown": 1},
    "daily": [
        {
            "date": "2026-03-10",
            "conversations": 2,
            "automation_rate": 0.5,
            "escalation_rate": 0.5,
            "csat_score": 0.3333,  # 5 of 5, 3, 2
            "first_contact_resolution_rate": 0.5,
            "p50_response_time_ms": 160.0,  # 80 120 200 1000: rank 1.5
            "p95_response_time_ms": 880.0,  # rank 2.85: 200 + 0.85 * 800
        },
        {
            "date": "2026-03-11",
            "conversations": 0,
            "automation_rate": None,
            "escalation_rate": None,
            "csat_score": None,
            "first_contact_resolution_rate": None,
            "p50_response_time_ms": None,
            "p95_response_time_ms": None,
        },
        {
            "date": "2026-03-12",
            "conversations": 2,
            "automation_rate": 0.0,
            "escalation_rate": 0.5,
            "csat_score": 1.0,
            "first_contact_resolution_rate": None,
            "p50_response_time_ms": 175.0,  # 50 300
            "p95_response_time_ms": 287.5,  # 50 + 0.95 * 250
        },
        {
            "date": "2026-03-13",
            "conversations": 3,
            "automation_rate": 0.3333,
            "escalation_rate": 0.6667,
            "csat_score": 1.0,
            "first_contact_resolution_rate": 0.0,
            "p50_response_time_ms": 250.0,  # 150 250 400
            "p95_response_time_ms": 385.0,  # rank 1.9: 250 + 0.9 * 150
        },
    ],
}

EXPECTED_FEEDBACK = {
    "start_date": "2026-03-10",
    "end_date": "2026-03-13",
    "total_feedback": 7,  # f1-f6, f8
    "rated_feedback": 5,
    "average_rating": 3.6,
    "rating_distribution": {"1": 0, "2": 1, "3": 1, "4": 2, "5": 1},
    "helpful_count": 3,  # f1, f3, f5
    "not_helpful_count": 1,  # f2
    "helpful_rate": 0.75,
    "follow_up_required_count": 1,  # f2
    "by_intent": [
        {"intent": "order_status", "feedback": 2, "average_rating": 4.0, "helpful_rate": 1.0},
        {"intent": "refund", "feedback": 2, "average_rating": 3.0, "helpful_rate": 0.0},
        {"intent": "account_info", "feedback": 1, "average_rating": None, "helpful_rate": None},
    ],
    "recent_comments": [
        {
            "feedback_id": "f6",
            "conversation_id": "c7",
            "message_id": "m7b",
            "rating": 4,
            "helpful": None,
            "comment": "ok",
            "created_at": "2026-03-13T10:50:00Z",
        },
        {
            "feedback_id": "f8",
            "conversation_id": "c6",
            "message_id": "m6b",
            "rating": None,
            "helpful": None,
            "comment": "Which account?",
            "created_at": "2026-03-13T09:10:00Z",
        },
        {
            "feedback_id": "f2",
            "conversation_id": "c2",
            "message_id": "m2b",
            "rating": 2,
            "helpful": False,
            "comment": "Still waiting for my refund",
            "created_at": "2026-03-10T11:05:00Z",
        },
        {
            "feedback_id": "f5",
            "conversation_id": "c1",
            "message_id": "m1b",
            "rating": 3,
            "helpful": True,
            "comment": "Second answer was better",
            "created_at": "2026-03-10T09:32:00Z",
        },
        {
            "feedback_id": "f1",
            "conversation_id": "c1",
            "message_id": "m1d",
            "rating": 5,
            "helpful": True,
            "comment": "Quick, thanks",
            "created_at": "2026-03-10T09:31:00Z",
        },
    ],
    "daily": [
        {"date": "2026-03-10", "feedback": 3, "average_rating": 3.33, "helpful_rate": 0.6667},
        {"date": "2026-03-11", "feedback": 0, "average_rating": None, "helpful_rate": None},
        {"date": "2026-03-12", "feedback": 2, "average_rating": 4.0, "helpful_rate": 1.0},
        {"date": "2026-03-13", "feedback": 2, "average_rating": 4.0, "helpful_rate": None},
    ],
}


# -- the reports ------------------------------------------------------------------------------


def test_that_every_performance_figure_is_the_hand_computed_one(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine)
    response = api_for(engine, tmp_path).get("performance", RANGE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == EXPECTED_PERFORMANCE
    # The console lists reasons most common first.
    assert list(body["escalation_reasons"]) == ["requested", "negative_sentiment", "unknown"]


def test_that_every_feedback_figure_is_the_hand_computed_one(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine)
    response = api_for(engine, tmp_path).get("feedback", RANGE)
    assert response.status_code == 200, response.text
    assert response.json() == EXPECTED_FEEDBACK


def test_that_a_one_day_range_keeps_only_that_days_rows(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    api = api_for(engine, tmp_path)
    day = {"start_date": "2026-03-12", "end_date": "2026-03-12"}
    performance = api.get("performance", day).json()
    assert performance["total_conversations"] == 2  # c3, c4
    assert performance["escalation_reasons"] == {"requested": 1}
    assert performance["top_intents"] == [{"intent": "cancel_order", "count": 2}]
    assert performance["avg_wait_time_minutes"] == 25.0
    assert performance["avg_resolution_time_minutes"] is None
    assert performance["daily"] == [EXPECTED_PERFORMANCE["daily"][2]]
    feedback = api.get("feedback", day).json()
    assert feedback["total_feedback"] == 2 and feedback["recent_comments"] == []
    assert feedback["by_intent"] == []  # f4 rated an answer without intent, f3 no answer


def test_that_customer_pii_in_a_comment_never_reaches_the_report(
    engine: Engine, tmp_path: Path
) -> None:
    said = "Call me on 415-555-0134 or mail ana.lima@example.com, card 4242 4242 4242 4242"
    with Session(engine) as session:
        session.add(conversation("cp", at(11, "09:00")))
        session.add(feedback("fp", "cp", at(11, "09:05"), rating=2, comment=said))
        session.commit()
    comments = api_for(engine, tmp_path).get("feedback", RANGE).json()["recent_comments"]
    [redacted] = [c["comment"] for c in comments if c["feedback_id"] == "fp"]
    assert redacted == "Call me on [PHONE] or mail [EMAIL], card [CARD]"


def test_that_an_empty_range_reports_nulls_where_nothing_was_counted(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine)
    api = api_for(engine, tmp_path)
    empty = {"start_date": "2026-02-01", "end_date": "2026-02-02"}
    performance = api.get("performance", empty).json()
    no_day = {
        "conversations": 0,
        "automation_rate": None,
        "escalation_rate": None,
        "csat_score": None,
        "first_contact_resolution_rate": None,
        "p50_response_time_ms": None,
        "p95_response_time_ms": None,
    }
    assert performance == {
        "start_date": "2026-02-01",
        "end_date": "2026-02-02",
        "total_conversations": 0,
        "ai_resolved_conversations": 0,
        "escalated_conversations": 0,
        "human_resolved_conversations": 0,
        "open_conversations": 0,
        "automation_rate": None,
        "escalation_rate": None,
        "resolution_rate": None,
        "first_contact_resolution_rate": None,
        "avg_response_time_ms": None,
        "p50_response_time_ms": None,
        "p95_response_time_ms": None,
        "avg_resolution_time_minutes": None,
        "avg_wait_time_minutes": None,
        "avg_handle_time_minutes": None,
        "customer_satisfaction": None,
        "csat_score": None,
        "total_messages": 0,
        "ai_messages": 0,
        "human_agent_messages": 0,
        "avg_confidence": None,
        "top_intents": [],
        "escalation_reasons": {},
        "daily": [{"date": "2026-02-01", **no_day}, {"date": "2026-02-02", **no_day}],
    }
    assert api.get("feedback", empty).json() == {
        "start_date": "2026-02-01",
        "end_date": "2026-02-02",
        "total_feedback": 0,
        "rated_feedback": 0,
        "average_rating": None,
        "rating_distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
        "helpful_count": 0,
        "not_helpful_count": 0,
        "helpful_rate": None,
        "follow_up_required_count": 0,
        "by_intent": [],
        "recent_comments": [],
        "daily": [
            {"date": day, "feedback": 0, "average_rating": None, "helpful_rate": None}
            for day in ("2026-02-01", "2026-02-02")
        ],
    }


# -- the date range ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"start_date": "2026-13-01"}, "start_date '2026-13-01' is not a date"),
        ({"end_date": "yesterday"}, "end_date 'yesterday' is not a date"),
        ({"start_date": "2026-03-10T00:00"}, "is not a date: use YYYY-MM-DD"),
        ({"start_date": "20260310"}, "is not a date: use YYYY-MM-DD"),
        ({"start_date": ""}, "is not a date: use YYYY-MM-DD"),
        (
            {"start_date": "2026-03-10", "end_date": "2026-03-09"},
            "end_date 2026-03-09 is before start_date 2026-03-10",
        ),
        (
            {"start_date": "2025-03-01", "end_date": "2026-03-02"},
            "the range spans 367 days; at most 366",
        ),
        ({"start_date": "2026-03-21"}, "start_date 2026-03-21 is in the future"),
        (
            {"start_date": "2026-03-21", "end_date": "2026-03-25"},
            "start_date 2026-03-21 is in the future",
        ),
    ],
)
@pytest.mark.parametrize("report", ["performance", "feedback"])
def test_that_a_bad_range_is_refused_with_the_reason(
    sqlite_engine: Engine, tmp_path: Path, report: str, params: dict[str, str], reason: str
) -> None:
    response = api_for(sqlite_engine, tmp_path).get(report, params)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert detail["code"] == "invalid_date_range"
    assert reason in detail["message"]


def test_that_the_default_range_is_the_seven_days_ending_today(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    seed(sqlite_engine)
    late = datetime(2026, 3, 13, 23, 59, tzinfo=UTC)
    api = api_for(sqlite_engine, tmp_path, now=late)
    performance = api.get("performance").json()
    assert (performance["start_date"], performance["end_date"]) == ("2026-03-07", "2026-03-13")
    assert [day["date"] for day in performance["daily"]][::6] == ["2026-03-07", "2026-03-13"]
    assert len(performance["daily"]) == 7
    assert performance["total_conversations"] == 8  # c0-c7
    only_end = api.get("feedback", {"end_date": "2026-03-10"}).json()
    assert (only_end["start_date"], only_end["end_date"]) == ("2026-03-04", "2026-03-10")
    assert only_end["total_feedback"] == 4  # f0, f1, f2, f5
    only_start = api.get("feedback", {"start_date": "2026-03-12"}).json()
    assert (only_start["start_date"], only_start["end_date"]) == ("2026-03-12", "2026-03-13")


def test_that_a_range_of_366_days_and_one_ending_after_today_are_allowed(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    api = api_for(sqlite_engine, tmp_path)
    year = api.get("performance", {"start_date": "2025-03-20", "end_date": "2026-03-20"})
    assert year.status_code == 200, year.text
    assert len(year.json()["daily"]) == 366
    ahead = api.get("feedback", {"start_date": "2026-03-20", "end_date": "2026-03-22"})
    assert ahead.status_code == 200 and len(ahead.json()["daily"]) == 3


# -- who may read them ------------------------------------------------------------------------


@pytest.mark.parametrize("report", ["performance", "feedback"])
def test_that_only_admins_read_analytics(
    sqlite_engine: Engine, tmp_path: Path, report: str
) -> None:
    api = api_for(sqlite_engine, tmp_path)
    anonymous = {"Authorization": f"Bearer {api.auth.conversation_token('conv_1')}"}
    callers = [
        (api.headers(Role.USER, "yusuf_rossi_9620"), 403),
        (api.headers(Role.AGENT, "agent_1"), 403),
        (anonymous, 403),
        ({}, 401),
    ]
    for headers, status in callers:
        # Even a bad range tells a non-admin nothing but that they may not ask.
        for params in (RANGE, {"start_date": "nope"}):
            response = api.get(report, params, headers=headers)
            assert response.status_code == status, (headers, response.text)
            assert "invalid_date_range" not in response.text
    assert api.get(report, RANGE).status_code == 200


def test_that_the_reports_are_documented_with_examples(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    schema = api_for(sqlite_engine, tmp_path).client.get("/openapi.json").json()
    for report in ("performance", "feedback"):
        operation = schema["paths"][f"{BASE}/{report}"]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"start_date", "end_date"}
        assert {"200", "403", "422"} <= set(operation["responses"])
    models = schema["components"]["schemas"]
    for name, fields in (
        ("PerformanceReport", EXPECTED_PERFORMANCE),
        ("FeedbackReport", EXPECTED_FEEDBACK),
    ):
        assert set(models[name]["examples"][0]) == set(fields)
        assert set(models[name]["properties"]) == set(fields)
        assert all("description" in prop for prop in models[name]["properties"].values()), name


# -- percentiles ------------------------------------------------------------------------------


def test_that_percentiles_interpolate_between_the_closest_ranks() -> None:
    assert percentile([], 50) is None
    assert percentile([7], 95) == 7
    assert percentile([10, 20], 50) == 15
    assert percentile([4, 1, 3, 2], 25) == 1.75  # rank 0.75 between 1 and 2
    assert percentile([1, 2, 3, 4, 5], 100) == 5
    assert percentile([1, 2, 3, 4, 5], 0) == 1
    samples = [[3, 1, 4, 1, 5, 9, 2, 6], [120, 80, 200, 1000], list(range(0, 1000, 7))]
    for values in samples:
        for q in (5, 50, 90, 95, 99):
            assert percentile(values, q) == pytest.approx(float(numpy.percentile(values, q)))


def test_that_days_are_utc_days_whatever_the_clock_zone(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    # 00:30 on 2026-03-21 in Auckland is still the 20th in UTC: the 20th is not in the future.
    from zoneinfo import ZoneInfo

    auckland = datetime(2026, 3, 21, 0, 30, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert auckland.astimezone(UTC).date() == date(2026, 3, 20)
    api = api_for(sqlite_engine, tmp_path, now=auckland)
    assert api.get("performance").json()["end_date"] == "2026-03-20"
    assert api.get("performance", {"start_date": "2026-03-21"}).status_code == 422
