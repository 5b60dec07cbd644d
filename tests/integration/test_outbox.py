"""The outbox relay and the webhook dispatcher on SQLite and Postgres, with Redis and real HTTP.

Postgres runs in a throw-away schema per test, Redis uses a fresh stream per test, and the
webhook receiver is a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from supportgraph.api.db import platform_engine, upgrade
from supportgraph.api.outbox import (
    CONVERSATION_CREATED,
    CONVERSATION_ESCALATED,
    OutboxConfigError,
    OutboxRelay,
    RedisStreamSink,
    build_outbox,
    stage,
)
from supportgraph.api.tables import OutboxEvent, WebhookDelivery, utcnow
from supportgraph.api.webhooks import (
    DELIVERED,
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    FAILED,
    PENDING,
    WebhookDispatcher,
    WebhookSink,
    verify_signature,
)
from supportgraph.settings import Settings
from supportgraph.tests.fakes import TEST_KEYRING, TEST_KEYS_ENV
from supportgraph.tests.postgres import REDIS_URL, postgres_schema

SECRET = "whsec-integration-test"
PII_EMAIL = "jane.doe@example.com"


@dataclass
class Database:
    url: str
    env_url: str
    """`SUPPORTGRAPH_DATABASE_URL` for a subprocess: empty means SQLite under the data dir."""
    data_dir: Path


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated platform database: SQLite in the data dir, or a throw-away Postgres schema."""
    data_dir = tmp_path / "data"
    if request.param == "sqlite":
        url = f"sqlite:///{data_dir / 'store.db'}"
        upgrade(url)
        yield Database(url, "", data_dir)
        return
    with postgres_schema("sg_outbox_test") as url:
        upgrade(url)
        yield Database(url, url, data_dir)


@pytest.fixture
def engine(database: Database) -> Iterator[Engine]:
    made = platform_engine(database.url, keyring=TEST_KEYRING)
    yield made
    made.dispose()


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {error}")
    yield client
    client.close()


@pytest.fixture
def stream(redis_client: redis.Redis) -> Iterator[str]:
    name = f"test:outbox:{uuid.uuid4().hex}"
    yield name
    redis_client.delete(name, *redis_client.scan_iter(match=f"{name}:delivered:*"))


def stage_events(engine: Engine, count: int, *, first: int = 0) -> list[str]:
    """Stage `count` events in one transaction; returns every stored event id in id order."""
    with Session(engine) as session:
        for n in range(first, first + count):
            stage(session, CONVERSATION_CREATED, f"conv_{n}", {"n": n, "email": PII_EMAIL})
        session.commit()
    return [event.event_id for event in outbox_rows(engine)]


def outbox_rows(engine: Engine) -> list[OutboxEvent]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxEvent).order_by(col(OutboxEvent.id))).all())


def stream_event_ids(client: redis.Redis, stream: str) -> list[str]:
    return [fields["event_id"] for _, fields in client.xrange(stream)]


async def wait_until(condition: Callable[[], bool], *, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached before the deadline")
        await asyncio.sleep(0.02)


# The relay, run as its own process and killed.


def relay_process(database: Database, stream: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONSAFEPATH": "1",
        "SUPPORTGRAPH_DATA_DIR": str(database.data_dir),
        "SUPPORTGRAPH_DATABASE_URL": database.env_url,
        "SUPPORTGRAPH_ENCRYPTION_KEYS": TEST_KEYS_ENV,  # the relay opens what the test sealed
        "SUPPORTGRAPH_REDIS_URL": REDIS_URL,
        "SUPPORTGRAPH_EVENTS_STREAM": stream,
        "SUPPORTGRAPH_WEBHOOK_URLS": "",
        "SUPPORTGRAPH_LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "-m", "supportgraph.api.outbox", "--batch-size", "1"]
    with log.open("ab") as output:
        return subprocess.Popen(
            [*command, "--poll-seconds", "0.05"],
            env=env,
            cwd=database.data_dir.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_for_stream(client: redis.Redis, stream: str, length: int, process: Any) -> int:
    deadline = time.monotonic() + 60
    while (current := client.xlen(stream)) < length:
        assert process.poll() is None, "the relay exited early"
        assert time.monotonic() < deadline, f"the stream stayed at {current} entries"
        time.sleep(0.005)
    return current


def test_that_a_relay_killed_mid_run_publishes_each_event_once_in_order(
    database: Database, engine: Engine, redis_client: redis.Redis, stream: str, tmp_path: Path
) -> None:
    total = 300
    staged = stage_events(engine, total)
    log = tmp_path / "relay.log"
    process = relay_process(database, stream, log)
    wait_for_stream(redis_client, stream, total // 3, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert total // 3 <= redis_client.xlen(stream) < total, "the kill came too late"

    process = relay_process(database, stream, log)
    try:
        wait_for_stream(redis_client, stream, total, process)
        deadline = time.monotonic() + 30
        while any(row.published_at is None for row in outbox_rows(engine)):
            assert time.monotonic() < deadline, "rows left unpublished"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=30)

    assert returncode == 0
    assert stream_event_ids(redis_client, stream) == staged
    assert all(row.published_at is not None for row in outbox_rows(engine))
    assert "published 1 events" in log.read_text()
    assert PII_EMAIL not in log.read_text()


class DiesBeforeCommit:
    """A sink that delivers and then fails, as a relay dying before its commit would."""

    name = "dies-before-commit"

    def __init__(self, inner: RedisStreamSink) -> None:
        self.inner = inner

    async def deliver(self, events: Sequence[OutboxEvent]) -> None:
        await self.inner.deliver(events)
        raise RuntimeError("relay died between XADD and commit")


async def test_that_a_crash_after_xadd_before_commit_publishes_no_duplicate(
    engine: Engine, redis_client: redis.Redis, stream: str
) -> None:
    staged = stage_events(engine, 25)
    sink = RedisStreamSink(REDIS_URL, stream)
    try:
        crashing = OutboxRelay(engine, [DiesBeforeCommit(sink)], batch_size=10)
        with pytest.raises(RuntimeError):
            await crashing.run_once()
        assert stream_event_ids(redis_client, stream) == staged[:10]
        rows = outbox_rows(engine)
        assert all(row.published_at is None for row in rows)
        assert [row.attempts for row in rows[:11]] == [1] * 10 + [0]
        assert "died between XADD and commit" in (rows[0].last_error or "")

        relay = OutboxRelay(engine, [sink], batch_size=10)
        assert [await relay.run_once() for _ in range(4)] == [10, 10, 5, 0]
    finally:
        await sink.aclose()
    assert stream_event_ids(redis_client, stream) == staged
    rows = outbox_rows(engine)
    assert all(row.published_at is not None for row in rows)
    assert [row.attempts for row in rows[:11]] == [2] * 10 + [1]


async def test_that_the_stream_entry_has_the_event_fields(
    engine: Engine, redis_client: redis.Redis, stream: str
) -> None:
    with Session(engine) as session:
        event = stage(session, CONVERSATION_ESCALATED, "conv_9", {"reason": "angry"})
        session.commit()
        event_id, payload = event.event_id, dict(event.payload)
    sink = RedisStreamSink(REDIS_URL, stream)
    try:
        assert await OutboxRelay(engine, [sink]).run_once() == 1
    finally:
        await sink.aclose()
    [(_, fields)] = redis_client.xrange(stream)
    assert fields == {
        "event_id": event_id,
        "type": CONVERSATION_ESCALATED,
        "conversation_id": "conv_9",
        "payload": json.dumps(payload, separators=(",", ":")),
        "occurred_at": payload["occurred_at"],
    }
    assert redis_client.ttl(f"{stream}:delivered:{event_id}") > 6 * 24 * 3600


# Several relays at once, and failing sinks.


@dataclass
class RecordingSink:
    name: str = "recording"
    delivered: list[str] = field(default_factory=list)
    failures_left: int = 0

    async def deliver(self, events: Sequence[OutboxEvent]) -> None:
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionError(f"sink unavailable for {events[0].payload}")
        await asyncio.sleep(0.001)
        self.delivered.extend(event.event_id for event in events)


async def test_that_concurrent_relays_publish_each_event_once_in_order(
    database: Database, engine: Engine
) -> None:
    staged = stage_events(engine, 120)
    sink = RecordingSink()
    engines = [platform_engine(database.url, keyring=TEST_KEYRING) for _ in range(3)]
    relays = [OutboxRelay(other, [sink], batch_size=7, poll_seconds=0.01) for other in engines]
    stop = asyncio.Event()
    try:
        tasks = [asyncio.create_task(relay.run(stop)) for relay in relays]
        await wait_until(lambda: len(sink.delivered) >= len(staged))
        stop.set()
        await asyncio.gather(*tasks)
    finally:
        for other in engines:
            other.dispose()
    assert sink.delivered == staged
    assert all(row.published_at is not None for row in outbox_rows(engine))


async def test_that_the_relay_survives_sink_errors_and_logs_no_payload(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    staged = stage_events(engine, 3)
    sink = RecordingSink(failures_left=2)
    relay = OutboxRelay(engine, [sink], poll_seconds=0.01)
    stop = asyncio.Event()
    with caplog.at_level(logging.DEBUG):
        task = asyncio.create_task(relay.run(stop))
        await wait_until(lambda: len(sink.delivered) == 3)
        stop.set()
        await task
    assert sink.delivered == staged
    rows = outbox_rows(engine)
    assert [row.attempts for row in rows] == [3, 3, 3]
    assert all(row.published_at is not None for row in rows)
    assert "recording: ConnectionError: sink unavailable" in (rows[0].last_error or "")
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert all(PII_EMAIL not in record.getMessage() for record in caplog.records)


async def test_that_a_cancelled_relay_releases_its_claim(engine: Engine) -> None:
    staged = stage_events(engine, 4)
    entered = asyncio.Event()

    class Hangs:
        name = "hangs"

        async def deliver(self, events: Sequence[OutboxEvent]) -> None:
            entered.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(OutboxRelay(engine, [Hangs()]).run_once())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    sink = RecordingSink()
    # Would wait for the abandoned claim (the SQLite writer lock, the Postgres row locks).
    assert await asyncio.wait_for(OutboxRelay(engine, [sink]).run_once(), timeout=20) == 4
    assert sink.delivered == staged


# What the settings start.


async def test_that_with_no_sink_configured_events_stay_in_the_table(
    engine: Engine, tmp_path: Path
) -> None:
    stage_events(engine, 2)
    workers = build_outbox(Settings(data_dir=tmp_path, redis_url="", webhook_urls=()), engine)
    assert not workers.enabled
    await asyncio.wait_for(workers.run(asyncio.Event()), timeout=5)
    assert all(row.published_at is None for row in outbox_rows(engine))


def test_that_webhooks_without_a_secret_refuse_to_start(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, webhook_urls=("http://127.0.0.1:9/hook",))
    with pytest.raises(OutboxConfigError, match="SUPPORTGRAPH_WEBHOOK_SECRET"):
        build_outbox(settings, engine)
    env = {
        **os.environ,
        "PYTHONSAFEPATH": "1",
        "SUPPORTGRAPH_DATA_DIR": str(tmp_path),
        "SUPPORTGRAPH_WEBHOOK_URLS": "http://127.0.0.1:9/hook",
        "SUPPORTGRAPH_WEBHOOK_SECRET": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "supportgraph.api.outbox"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert b"SUPPORTGRAPH_WEBHOOK_SECRET is empty" in result.stderr


# Webhooks against a real HTTP server.


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


class Receiver:
    """An HTTP server on 127.0.0.1 answering from a script, then with 200."""

    def __init__(self) -> None:
        self.script: list[tuple[int, dict[str, str]]] = []
        self.received: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(Received(dict(self.headers.items()), body))
                status, headers = receiver.script.pop(0) if receiver.script else (200, {})
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/supportgraph"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Highest(random.Random):
    """Jitter that always picks the ceiling, so each backoff is exactly predictable."""

    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False) as client:
        yield client


def dispatcher_for(
    engine: Engine, http: httpx.AsyncClient, clock: Clock, **options: Any
) -> WebhookDispatcher:
    return WebhookDispatcher(engine, SECRET, client=http, clock=clock, rng=Highest(), **options)


async def record_deliveries(engine: Engine, endpoints: Sequence[str], count: int = 1) -> list[str]:
    staged = stage_events(engine, count)
    relay = OutboxRelay(engine, [WebhookSink(engine, endpoints)])
    assert await relay.run_once() == count
    return staged


def deliveries(engine: Engine) -> list[WebhookDelivery]:
    with Session(engine) as session:
        query = select(WebhookDelivery).order_by(col(WebhookDelivery.id))
        return list(session.exec(query).all())


def aware(moment: datetime) -> datetime:
    """SQLite returns the stored UTC times without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def test_that_a_failing_endpoint_is_retried_with_backoff_until_it_accepts(
    engine: Engine, receiver: Receiver, http: httpx.AsyncClient
) -> None:
    [event_id] = await record_deliveries(engine, [receiver.url])
    receiver.script = [(503, {}), (500, {})]
    clock = Clock()
    dispatcher = dispatcher_for(engine, http, clock)

    assert await dispatcher.run_once() == 1
    [row] = deliveries(engine)
    assert (row.status, row.attempts, row.last_error) == (
        PENDING,
        1,
        "HTTP 503 Service Unavailable",
    )
    assert aware(row.next_attempt_at) == clock.now + timedelta(seconds=2)

    clock.advance(1.9)
    assert await dispatcher.run_once() == 0
    clock.advance(0.1)
    assert await dispatcher.run_once() == 1
    [row] = deliveries(engine)
    assert (row.status, row.attempts) == (PENDING, 2)
    assert aware(row.next_attempt_at) == clock.now + timedelta(seconds=4)

    clock.advance(4)
    assert await dispatcher.run_once() == 1
    [row] = deliveries(engine)
    assert (row.status, row.attempts) == (DELIVERED, 3)
    assert row.delivered_at is not None
    assert await dispatcher.run_once() == 0

    assert len(receiver.received) == 3
    for request in receiver.received:
        assert verify_signature(SECRET, request.headers, request.body)
        assert request.headers[EVENT_ID_HEADER] == event_id
        assert request.headers[EVENT_TYPE_HEADER] == CONVERSATION_CREATED
        assert request.headers["Content-Type"] == "application/json"
        document = json.loads(request.body)
        assert document["event_id"] == event_id
        assert document["conversation_id"] == "conv_0"
        assert document["payload"]["n"] == 0
    assert not verify_signature("wrong-secret", receiver.received[0].headers, request.body)


async def test_that_a_permanent_client_error_fails_at_once(
    engine: Engine, receiver: Receiver, http: httpx.AsyncClient
) -> None:
    await record_deliveries(engine, [receiver.url])
    receiver.script = [(404, {})]
    clock = Clock()
    dispatcher = dispatcher_for(engine, http, clock)
    assert await dispatcher.run_once() == 1
    clock.advance(3600)
    assert await dispatcher.run_once() == 0
    [row] = deliveries(engine)
    assert (row.status, row.attempts, row.last_error) == (FAILED, 1, "HTTP 404 Not Found")
    assert len(receiver.received) == 1


async def test_that_a_delivery_fails_after_max_attempts(
    engine: Engine, receiver: Receiver, http: httpx.AsyncClient
) -> None:
    await record_deliveries(engine, [receiver.url])
    receiver.script = [(500, {})] * 10
    clock = Clock()
    dispatcher = dispatcher_for(engine, http, clock, max_attempts=3, max_delay=5.0)
    for _ in range(6):
        await dispatcher.run_once()
        clock.advance(5)
    [row] = deliveries(engine)
    assert (row.status, row.attempts) == (FAILED, 3)
    assert row.last_error == "HTTP 500 Internal Server Error (after 3 attempts)"
    assert len(receiver.received) == 3


@pytest.mark.parametrize("status", [429, 503])
async def test_that_retry_after_is_honoured(
    engine: Engine, receiver: Receiver, http: httpx.AsyncClient, status: int
) -> None:
    await record_deliveries(engine, [receiver.url])
    receiver.script = [(status, {"Retry-After": "120"})]
    clock = Clock()
    dispatcher = dispatcher_for(engine, http, clock)
    assert await dispatcher.run_once() == 1
    [row] = deliveries(engine)
    assert aware(row.next_attempt_at) == clock.now + timedelta(seconds=120)
    clock.advance(119)
    assert await dispatcher.run_once() == 0
    clock.advance(1)
    assert await dispatcher.run_once() == 1
    assert deliveries(engine)[0].status == DELIVERED


async def test_that_a_request_timeout_status_is_retried(
    engine: Engine, receiver: Receiver, http: httpx.AsyncClient
) -> None:
    await record_deliveries(engine, [receiver.url])
    receiver.script = [(408, {})]
    clock = Clock()
    dispatcher = dispatcher_for(engine, http, clock)
    assert await dispatcher.run_once() == 1
    assert deliveries(engine)[0].status == PENDING
    clock.advance(2)
    assert await dispatcher.run_once() == 1
    assert deliveries(engine)[0].status == DELIVERED


async def test_that_network_errors_are_retried(engine: Engine, http: httpx.AsyncClient) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    await record_deliveries(engine, [f"http://127.0.0.1:{closed_port}/hook"])
    clock = Clock()
    dispatcher = dispatcher_for(engine, http, clock)
    assert await dispatcher.run_once() == 1
    [row] = deliveries(engine)
    assert (row.status, row.attempts) == (PENDING, 1)
    assert (row.last_error or "").startswith("ConnectError")
    assert aware(row.next_attempt_at) == clock.now + timedelta(seconds=2)


async def test_that_an_endpoint_asking_to_retry_holds_its_later_deliveries(
    engine: Engine, http: httpx.AsyncClient
) -> None:
    down, up = Receiver(), Receiver()
    try:
        await record_deliveries(engine, [down.url, up.url], count=3)
        down.script = [(503, {})]
        clock = Clock()
        assert await dispatcher_for(engine, http, clock).run_once() == 4
        rows = deliveries(engine)
        held = [row for row in rows if row.endpoint == down.url]
        assert [row.status for row in held] == [PENDING] * 3
        assert [row.attempts for row in held] == [1, 0, 0]
        assert len({aware(row.next_attempt_at) for row in held}) == 1
        assert [row.status for row in rows if row.endpoint == up.url] == [DELIVERED] * 3
        assert (len(down.received), len(up.received)) == (1, 3)
    finally:
        down.close()
        up.close()


async def test_that_recording_deliveries_is_idempotent(engine: Engine, receiver: Receiver) -> None:
    stage_events(engine, 2)
    sink = WebhookSink(engine, [receiver.url, receiver.url + "/crm"])
    events = outbox_rows(engine)
    await sink.deliver(events)
    await sink.deliver(events)
    assert len(deliveries(engine)) == 4
    assert {(row.event_id, row.endpoint) for row in deliveries(engine)} == {
        (event.event_id, endpoint) for event in events for endpoint in sink.endpoints
    }


async def test_that_the_configured_workers_publish_to_the_stream_and_the_webhook(
    database: Database,
    engine: Engine,
    receiver: Receiver,
    redis_client: redis.Redis,
    stream: str,
) -> None:
    staged = stage_events(engine, 5)
    settings = Settings(
        data_dir=database.data_dir,
        redis_url=REDIS_URL,
        events_stream=stream,
        webhook_urls=(receiver.url,),
        webhook_secret=SECRET,
    )
    workers = build_outbox(settings, engine, poll_seconds=0.05)
    assert workers.enabled
    stop = asyncio.Event()
    task = asyncio.create_task(workers.run(stop))
    await wait_until(lambda: len(receiver.received) == 5 and redis_client.xlen(stream) == 5)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert stream_event_ids(redis_client, stream) == staged
    assert sorted(request.headers[EVENT_ID_HEADER] for request in receiver.received) == sorted(
        staged
    )
    assert all(verify_signature(SECRET, r.headers, r.body) for r in receiver.received)
    assert {row.status for row in deliveries(engine)} == {DELIVERED}


class DispatcherDied(BaseException):
    """The process ending mid-POST: nothing after it runs."""


async def test_that_a_delivery_claimed_by_a_dead_dispatcher_is_retried_after_its_lease(
    engine: Engine, receiver: Receiver, http: httpx.AsyncClient
) -> None:
    await record_deliveries(engine, [receiver.url])
    clock = Clock()

    def dies(request: httpx.Request) -> httpx.Response:
        raise DispatcherDied

    async with httpx.AsyncClient(transport=httpx.MockTransport(dies)) as dying:
        with pytest.raises(DispatcherDied):
            await dispatcher_for(engine, dying, clock, lease_seconds=30).run_once()
    survivor = dispatcher_for(engine, http, clock)
    clock.advance(29)
    assert await survivor.run_once() == 0
    clock.advance(1)
    assert await survivor.run_once() == 1
    [row] = deliveries(engine)
    assert (row.status, row.attempts) == (DELIVERED, 2)
    assert len(receiver.received) == 1
