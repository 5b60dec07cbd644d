"""A customer's rights and the retention purge: export, erasure, and what old data keeps."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from supportgraph.api.locks import InProcessLocks
from supportgraph.api.privacy import PrivacyService
from supportgraph.api.retention import RetentionLimits, RetentionSchedule, purge
from supportgraph.api.tables import (
    AnalyticsDay,
    AuditEvent,
    AuditPurge,
    Conversation,
    Feedback,
    KnowledgeCitation,
    Message,
    OutboxEvent,
    RetentionRun,
    utcnow,
)
from supportgraph.settings import Settings
from supportgraph.tests.integration.test_conversations_api import (
    BASE,
    EMAIL,
    USER,
    bearer,
    client_for,
    login,
)
from supportgraph.tests.integration.test_handoff import ASK_HUMAN, READINGS, say, unique

OTHER = "mei_kovacs_8020"
PRIVACY = "/api/v1/privacy"
SUPPORT = "/api/v1/support"
LIMITS = RetentionLimits(conversations_days=730, feedback_days=365, logs_days=183)
_TIMESTAMPS = {
    Conversation: ("created_at", "updated_at", "escalated_at", "assigned_at", "resolved_at"),
    Message: ("created_at",),
    Feedback: ("created_at",),
    KnowledgeCitation: ("created_at",),
    OutboxEvent: ("created_at", "published_at"),
}


def chat(client: TestClient, user: dict[str, str], *, rate: int | None = None) -> str:
    """A conversation with one answer (and, when asked, a rating of it); its id."""
    cid = str(client.post(BASE, headers=user).json()["conversation_id"])
    answer = say(client, cid, "hello", user)
    if rate is not None:
        body = {"message_id": answer["message_id"], "rating": rate, "helpful": rate > 3}
        rated = client.post(f"{BASE}/{cid}/feedback", json=body, headers=user)
        assert rated.status_code == 201, rated.text
    return cid


def engine_of(client: TestClient) -> Any:
    return client.app.state.privacy.engine  # type: ignore[attr-defined]


def checkpoint(client: TestClient, cid: str) -> Any:
    saver = client.app.state.agent.graph.checkpointer  # type: ignore[attr-defined]
    return client.portal.call(saver.aget_tuple, {"configurable": {"thread_id": cid}})  # type: ignore[union-attr]


def run_purge(client: TestClient, *, dry_run: bool = False) -> dict[str, int]:
    privacy = client.app.state.privacy  # type: ignore[attr-defined]
    report = client.portal.call(partial(purge, privacy, LIMITS, dry_run=dry_run))  # type: ignore[union-attr]
    return dict(report.removed)


def age(client: TestClient, cid: str, days: int) -> None:
    """Move every timestamp of a conversation's rows `days` into the past."""
    shift = timedelta(days=days)
    with Session(engine_of(client)) as session:
        for table, names in _TIMESTAMPS.items():
            key = col(table.id) if table is Conversation else col(table.conversation_id)  # type: ignore[attr-defined]
            columns = [getattr(table, name) for name in names]
            ident = table.message_id if table is KnowledgeCitation else table.id  # type: ignore[attr-defined]
            rows = session.exec(select(ident, *columns).where(key == cid)).all()  # type: ignore[call-overload]
            for row_id, *values in rows:
                moved = {n: v - shift for n, v in zip(names, values, strict=True) if v is not None}
                statement = sa.update(table).where(col(ident) == row_id).values(**moved)
                session.exec(statement)  # type: ignore[call-overload]
        session.commit()


def count(client: TestClient, table: Any, *where: Any) -> int:
    with Session(engine_of(client)) as session:
        query = sa.select(sa.func.count()).select_from(table).where(*where)
        return int(session.exec(query).one()[0])  # type: ignore[call-overload]


def streamed(backend: dict[str, str], cids: list[str], *, at_least: int = 0) -> int:
    """Entries of these conversations in the events stream (waiting for `at_least` of them)."""
    import redis

    client = redis.from_url(backend["redis_url"])
    try:
        for _ in range(300):
            entries = client.xrange(Settings().events_stream)
            found = sum(1 for _, f in entries if f.get(b"conversation_id", b"").decode() in cids)
            if found >= at_least:
                return found
            time.sleep(0.1)
        return found
    finally:
        client.close()


def settle(client: TestClient, backend: dict[str, str]) -> None:
    """Wait until the relay (with Redis) has published every event, so none changes later."""
    for _ in range(300):
        if "redis_url" not in backend:
            return
        if count(client, OutboxEvent, col(OutboxEvent.published_at).is_(None)) == 0:
            return
        time.sleep(0.1)
    raise AssertionError("the outbox relay left events unpublished")


def audit_actions(client: TestClient, admin: dict[str, str], action: str) -> list[dict[str, Any]]:
    response = client.get(f"{SUPPORT}/audit", params={"action": action}, headers=admin)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_that_a_customer_exports_their_own_data_and_an_admin_anyones(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user, admin = login(client, "USER", USER), login(client, "ADMIN", "admin_root")
        other = login(client, "USER", OTHER)
        cid = chat(client, user, rate=5)
        theirs = chat(client, other)

        own = client.get(f"{PRIVACY}/export", headers=user)
        assert own.status_code == 200, own.text
        body = own.json()
        assert body["customer_id"] == USER
        assert [c["id"] for c in body["conversations"]] == [cid]
        assert [m["sender"] for m in body["messages"]] == ["CUSTOMER", "AI"]
        assert body["messages"][0]["content"] == "hello"
        assert [f["rating"] for f in body["feedback"]] == [5]
        assert {e["type"] for e in body["events"]} == {
            "SUPPORT_CONVERSATION_CREATED",
            "AI_FEEDBACK_RECEIVED",
        }
        [state] = body["checkpoints"]
        assert state["thread_id"] == cid and state["checkpoint_id"]
        said = [m["content"] for m in state["values"]["messages"]]
        assert said[0] == "hello" and len(said) >= 2
        assert body["profile"]["email"] == EMAIL
        assert theirs not in json.dumps(body)

        for_admin = client.get(f"{PRIVACY}/export", params={"customer_id": USER}, headers=admin)
        assert for_admin.status_code == 200, for_admin.text
        assert [c["id"] for c in for_admin.json()["conversations"]] == [cid]
        assert client.get(f"{PRIVACY}/export", headers=admin).status_code == 422

        for caller in (other, login(client, "AGENT", "agent_ana")):
            asked = client.get(f"{PRIVACY}/export", params={"customer_id": USER}, headers=caller)
            assert asked.status_code == 403, asked.text

        started = client.post(BASE).json()
        token = bearer(started["conversation_token"])
        say(client, started["conversation_id"], "hello", token)
        anonymous = client.get(f"{PRIVACY}/export", headers=token)
        assert anonymous.status_code == 200, anonymous.text
        exported = [c["id"] for c in anonymous.json()["conversations"]]
        assert exported == [started["conversation_id"]]
        refused = client.get(f"{PRIVACY}/export", params={"customer_id": USER}, headers=token)
        assert refused.status_code == 403
        assert client.get(f"{PRIVACY}/export").status_code == 401

        exports = audit_actions(client, admin, "privacy.export")
        assert [(e["actor_id"], e["target_id"]) for e in reversed(exports)] == [
            (USER, USER),
            ("admin_root", USER),
            (f"conversation:{started['conversation_id']}", started["conversation_id"]),
        ]


@pytest.mark.asyncio
async def test_that_erasing_a_customer_removes_their_rows_and_memory_once(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user, admin = login(client, "USER", USER), login(client, "ADMIN", "admin_root")
        other = login(client, "USER", OTHER)
        mine = [chat(client, user, rate=4), chat(client, user)]
        theirs = chat(client, other, rate=2)
        assert checkpoint(client, mine[0]) is not None
        if "redis_url" in backend:  # the relay publishes the events to the stream
            assert streamed(backend, mine, at_least=3) == 3
            assert streamed(backend, [theirs], at_least=2) == 2

        assert client.delete(f"{PRIVACY}/customers/{USER}", headers=user).status_code == 403
        erased = client.delete(f"{PRIVACY}/customers/{USER}", headers=admin)
        assert erased.status_code == 200, erased.text
        counts = erased.json()
        assert counts["conversations"] == 2 and counts["messages"] == 4
        assert counts["feedback"] == 1 and counts["checkpoint_threads"] == 2
        assert counts["outbox_events"] == 3  # two conversations opened, one rating
        assert counts["store_profile"] == "anonymized" and counts["store_orders_anonymized"] > 0
        if "redis_url" in backend:
            assert counts["event_stream_entries"] == 3 and streamed(backend, mine) == 0
            assert streamed(backend, [theirs]) == 2
        else:
            assert counts["event_stream_entries"] == 0

        for cid in mine:
            assert checkpoint(client, cid) is None
            assert client.get(f"{BASE}/{cid}", headers=user).status_code == 404
        for table, key in (
            (Conversation, Conversation.id),
            (Message, Message.conversation_id),
            (Feedback, Feedback.conversation_id),
            (OutboxEvent, OutboxEvent.conversation_id),
        ):
            assert count(client, table, col(key).in_(mine)) == 0
        assert checkpoint(client, theirs) is not None
        assert count(client, Message, col(Message.conversation_id) == theirs) == 2
        profile = await commerce.get_user(USER)
        assert profile["name"] == {"first_name": "Erased", "last_name": "Customer"}
        assert profile["email"].endswith("@erased.invalid") and profile["orders"]
        order = await commerce.get_order(profile["orders"][0])
        assert set(order["address"].values()) == {""} and order["items"]

        [event] = audit_actions(client, admin, "privacy.erase")
        assert (event["actor_id"], event["target_id"]) == ("admin_root", USER)
        assert event["details"]["conversations"] == 2
        assert EMAIL not in json.dumps(event) and "Yusuf" not in json.dumps(event)

        again = client.delete(f"{PRIVACY}/customers/{USER}", headers=admin)
        assert again.status_code == 200, again.text
        repeat = again.json()
        assert repeat["store_profile"] == "already_anonymized"
        assert {k: v for k, v in repeat.items() if isinstance(v, int)} == dict.fromkeys(
            (k for k, v in repeat.items() if isinstance(v, int)), 0
        )
        assert len(audit_actions(client, admin, "privacy.erase")) == 2


def test_that_the_purge_removes_only_what_is_older_than_each_limit(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user, admin = (
            login(client, "USER", unique("customer")),
            login(client, "ADMIN", "admin_root"),
        )
        ancient, old, recent = (
            chat(client, user, rate=5),
            chat(client, user, rate=3),
            chat(client, user, rate=4),
        )
        settle(client, backend)
        age(client, ancient, 800)
        age(client, old, 400)  # kept, but its feedback is past the feedback limit
        engine = engine_of(client)
        now = utcnow()
        with Session(engine) as session:
            session.add(
                AuditEvent(
                    actor_id="a",
                    actor_role="ADMIN",
                    action="x",
                    target_type="t",
                    occurred_at=now - timedelta(days=200),
                )
            )
            session.add(
                AuditEvent(
                    actor_id="b",
                    actor_role="ADMIN",
                    action="x",
                    target_type="t",
                    occurred_at=now - timedelta(days=100),
                )
            )
            for cid, created in ((recent, now - timedelta(days=200)), (old, None)):
                published = sa.update(OutboxEvent).where(col(OutboxEvent.conversation_id) == cid)
                values = {"published_at": now} | ({"created_at": created} if created else {})
                session.exec(published.values(**values))  # type: ignore[call-overload]
            session.commit()
        assert checkpoint(client, ancient) is not None

        planned = run_purge(client, dry_run=True)
        assert planned["conversations"] == 1 and planned["feedback"] == 2
        assert count(client, Conversation, col(Conversation.id) == ancient) == 1
        assert checkpoint(client, ancient) is not None

        removed = run_purge(client)
        assert removed == planned
        assert removed["checkpoint_threads"] == 1 and removed["audit_entries"] == 1
        # Published, and written more than the logs limit ago: the old chat's and the recent's.
        assert removed["logged_outbox_events"] == 4 and removed["outbox_events"] == 2
        assert checkpoint(client, ancient) is None and checkpoint(client, old) is not None
        assert count(client, Conversation, col(Conversation.id) == ancient) == 0
        assert count(client, Message, col(Message.conversation_id) == ancient) == 0
        assert count(client, Message, col(Message.conversation_id) == old) == 2
        assert count(client, Feedback, col(Feedback.conversation_id) == old) == 0
        assert count(client, Feedback, col(Feedback.conversation_id) == recent) == 1
        assert count(client, AuditEvent, col(AuditEvent.actor_id) == "a") == 0
        assert count(client, AuditEvent, col(AuditEvent.actor_id) == "b") == 1
        assert count(client, AuditPurge) == 0
        # The guard still holds: nothing newer than a purge's cut-off can be deleted.
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as db:
            db.execute(sa.delete(AuditEvent))
        assert audit_actions(client, admin, "x")[0]["actor_id"] == "b"

        assert all(n == 0 for n in run_purge(client).values())


def test_that_old_days_keep_their_analytics_figures_after_the_purge(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user, admin = (
            login(client, "USER", unique("customer")),
            login(client, "ADMIN", "admin_root"),
        )
        rated, resolved = chat(client, user, rate=5), chat(client, user, rate=2)
        assert client.post(f"{BASE}/{resolved}/resolve", headers=user).is_success
        escalated = chat(client, user)
        say(client, escalated, ASK_HUMAN, user)
        kept = chat(client, user, rate=4)
        settle(client, backend)
        for cid in (rated, resolved, escalated):
            age(client, cid, 800)
        age(client, kept, 500)  # the conversation stays, its feedback goes
        day = (utcnow() - timedelta(days=800)).date()
        kept_day = (utcnow() - timedelta(days=500)).date()

        def reports() -> list[dict[str, Any]]:
            found = []
            for start, end in (
                (day - timedelta(days=1), day + timedelta(days=1)),
                (kept_day, kept_day),
            ):
                for name in ("performance", "feedback"):
                    params = {"start_date": str(start), "end_date": str(end)}
                    response = client.get(
                        f"{SUPPORT}/analytics/{name}", params=params, headers=admin
                    )
                    assert response.status_code == 200, response.text
                    figures = response.json()
                    figures.pop("recent_comments", None)  # comments are personal data: they go
                    found.append(figures)
            return found

        before = reports()
        assert before[0]["total_conversations"] == 3 and before[0]["escalated_conversations"] == 1
        assert before[0]["ai_messages"] >= 3 and before[0]["p50_response_time_ms"] is not None
        assert before[1]["total_feedback"] == 2 and before[1]["by_intent"]
        assert before[3]["total_feedback"] == 1

        removed = run_purge(client)
        assert removed["conversations"] == 3 and removed["feedback"] == 3
        assert count(client, Message, col(Message.conversation_id).in_([rated, resolved])) == 0
        assert count(client, AnalyticsDay) >= 2
        assert reports() == before
        assert all(n == 0 for n in run_purge(client).values())
        assert reports() == before


def test_that_retention_limits_must_be_positive_whole_days(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert Settings(data_dir=tmp_path).retention_conversations_days == 730
    monkeypatch.setenv("SUPPORTGRAPH_RETENTION_FEEDBACK_DAYS", "90")
    assert Settings(data_dir=tmp_path).retention_feedback_days == 90
    for bad in ("0", "-3", "1.5", "soon"):
        monkeypatch.setenv("SUPPORTGRAPH_RETENTION_LOGS_DAYS", bad)
        with pytest.raises(ValueError, match="SUPPORTGRAPH_RETENTION_LOGS_DAYS must be a positive"):
            Settings(data_dir=tmp_path)
    monkeypatch.delenv("SUPPORTGRAPH_RETENTION_LOGS_DAYS")
    with pytest.raises(ValueError, match="retention_conversations_days"):
        Settings(data_dir=tmp_path, retention_conversations_days=0)


def test_that_the_purge_command_prints_what_it_removes(
    commerce: Any,
    tmp_path: Path,
    backend: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from supportgraph.cli import main

    customer = unique("customer")
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user = login(client, "USER", customer)
        ancient, recent = chat(client, user), chat(client, user)
        age(client, ancient, LIMITS.conversations_days + 1)
    monkeypatch.setenv("SUPPORTGRAPH_DATA_DIR", str(tmp_path / "data"))
    for name in ("database_url", "redis_url"):
        monkeypatch.setenv(f"SUPPORTGRAPH_{name.upper()}", backend.get(name, ""))

    assert main(["purge", "--dry-run"]) == 0
    planned = capsys.readouterr().out
    assert "would remove 1 conversations" in planned and "would remove 2 messages" in planned
    assert main(["purge"]) == 0
    done = capsys.readouterr().out
    assert "removed 1 conversations" in done and "removed 1 checkpoint_threads" in done
    assert main(["purge"]) == 0
    assert "removed 0 conversations" in capsys.readouterr().out

    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user = login(client, "USER", customer)
        assert client.get(f"{BASE}/{ancient}", headers=user).status_code == 404
        assert client.get(f"{BASE}/{recent}", headers=user).status_code == 200
        assert checkpoint(client, ancient) is None


def test_that_the_daily_purge_runs_once_a_day_across_processes(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user = login(client, "USER", unique("customer"))
        ancient = chat(client, user)
        age(client, ancient, LIMITS.conversations_days + 1)
        shared = client.app.state.privacy  # type: ignore[attr-defined]

        def process() -> RetentionSchedule:
            """A server process of its own: its own locks, the same database and memory."""
            privacy = PrivacyService(
                shared.engine, shared.agent, None, shared.audit, InProcessLocks()
            )
            return RetentionSchedule(privacy, LIMITS)

        async def both() -> list[Any]:
            return list(await asyncio.gather(process().run_if_due(), process().run_if_due()))

        reports = client.portal.call(both)  # type: ignore[union-attr]
        ran = [report for report in reports if report is not None]
        assert len(ran) == 1 and ran[0].removed["conversations"] == 1
        assert count(client, RetentionRun, col(RetentionRun.day) == utcnow().date()) == 1
        assert client.portal.call(process().run_if_due) is None  # type: ignore[union-attr]
        assert count(client, Conversation, col(Conversation.id) == ancient) == 0


def test_that_a_batch_worker_runs_the_daily_purge_too(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    from supportgraph.api.worker import WorkerSettings, retention_job

    assert [job.coroutine for job in WorkerSettings.cron_jobs] == [retention_job]
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        ancient = chat(client, login(client, "USER", unique("customer")))
        age(client, ancient, LIMITS.conversations_days + 1)
        settings = Settings(data_dir=tmp_path / "data", **({"database_url": ""} | backend))
        agent = client.app.state.agent  # type: ignore[attr-defined]
        worker = {
            "settings": settings,
            "service": SimpleNamespace(engine=engine_of(client), agent=agent),
        }
        client.portal.call(retention_job, worker)  # type: ignore[union-attr]
        assert count(client, Conversation, col(Conversation.id) == ancient) == 0
        assert count(client, RetentionRun, col(RetentionRun.day) == utcnow().date()) == 1
        assert checkpoint(client, ancient) is None
