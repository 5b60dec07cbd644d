"""Integration events through a transactional outbox.

A change and the event reporting it commit together: `stage` adds the event row in the
caller's session, so an event exists exactly when its change does. `OutboxRelay` then hands the
stored events, in id order, to the configured sinks (Redis Streams, signed webhooks) and marks
them published in the transaction that claimed them. With no sink configured the events stay in
`outbox_events`, which is then the record. `python -m supportgraph.api.outbox` runs the relay and
the webhook dispatcher on their own, from the environment's settings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import signal
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Connection, Engine, Table, func, select, update
from sqlmodel import Session

from supportgraph.api.db import engine_for, upgrade
from supportgraph.api.tables import OutboxEvent, utcnow
from supportgraph.api.webhooks import (
    WebhookDispatcher,
    WebhookSink,
    begin_claim,
    occurred_at,
    pause,
)
from supportgraph.settings import Settings, get_settings

logger = logging.getLogger("supportgraph.api.outbox")

CONVERSATION_CREATED = "SUPPORT_CONVERSATION_CREATED"
CONVERSATION_ESCALATED = "SUPPORT_CONVERSATION_ESCALATED"
CONVERSATION_ASSIGNED = "SUPPORT_CONVERSATION_ASSIGNED"
CONVERSATION_RESOLVED = "SUPPORT_CONVERSATION_RESOLVED"
FEEDBACK_RECEIVED = "AI_FEEDBACK_RECEIVED"
EVENT_TYPES = (
    CONVERSATION_CREATED,
    CONVERSATION_ESCALATED,
    CONVERSATION_ASSIGNED,
    CONVERSATION_RESOLVED,
    FEEDBACK_RECEIVED,
)


def stage(
    session: Session, event_type: str, conversation_id: str | None, payload: dict[str, Any]
) -> OutboxEvent:
    """Add an event to the outbox in the caller's transaction; it is stored on their commit."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event = OutboxEvent(
        event_id=f"evt_{uuid.uuid4().hex}",
        type=event_type,
        conversation_id=conversation_id,
        payload={**payload, "occurred_at": utcnow().isoformat()},
    )
    session.add(event)
    return event


DEDUP_SECONDS = 7 * 24 * 3600
"""How long Redis remembers that an event is in the stream: a relay down longer may repeat it."""

MAX_BACKOFF_S = 30.0
"""The longest pause between relay passes while a sink or the database keeps failing."""

_TABLE: Table = OutboxEvent.__table__  # type: ignore[attr-defined]
_PENDING = _TABLE.c.published_at.is_(None)


class Sink(Protocol):
    """Where the relay publishes events; a failure leaves the batch to be retried."""

    name: str

    async def deliver(self, events: Sequence[OutboxEvent]) -> None:
        """Publish the events, in order; raise if any of them did not go out."""
        ...


@runtime_checkable
class TransactionalSink(Protocol):
    """A sink that writes to the platform database: the relay runs it in its claim transaction.

    Its rows then commit exactly when the events are marked published (and on SQLite they
    need no second writer, which would wait for the relay's own lock).
    """

    name: str

    def deliver_in_transaction(self, connection: Connection, events: Sequence[OutboxEvent]) -> None:
        """Write the events' rows through the relay's connection."""
        ...


_XADD_ONCE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
local entry = redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
redis.call('SET', KEYS[1], entry, 'EX', ARGV[1])
return entry
"""
"""Append an event unless its marker says it is there already; the check, the XADD and the
marker happen atomically. The marker is set after the XADD, so a failed XADD leaves none."""


class RedisStreamSink:
    """Appends each event to a Redis stream exactly once, even when a batch is published again.

    A relay that dies after the XADD and before marking the rows published repeats the batch
    on restart; the marker `<stream>:delivered:<event_id>`, written by the same Lua script as
    the XADD, makes the repeat a no-op. Each entry has the fields `event_id`, `type`,
    `conversation_id` (empty when none), `payload` (JSON) and `occurred_at` (ISO 8601).
    """

    name = "redis-stream"

    def __init__(self, url: str, stream: str, *, dedup_seconds: int = DEDUP_SECONDS) -> None:
        """Connect lazily to Redis.

        Args:
            url: Redis URL, e.g. `redis://127.0.0.1:6379/0`.
            stream: the stream's key.
            dedup_seconds: how long each event's marker is kept.
        """
        import redis.asyncio as redis

        # Short socket timeouts: on SQLite the relay holds the writer lock while it delivers.
        self._redis = redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
        self._xadd_once = self._redis.register_script(_XADD_ONCE)
        self.stream = stream
        self.dedup_seconds = dedup_seconds

    def marker(self, event_id: str) -> str:
        """The key recording that an event is in the stream."""
        return f"{self.stream}:delivered:{event_id}"

    async def deliver(self, events: Sequence[OutboxEvent]) -> None:
        """Append the events not yet in the stream, in order, in one round trip."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for event in events:
                await self._xadd_once(
                    keys=[self.marker(event.event_id), self.stream],
                    args=[self.dedup_seconds, *stream_fields(event)],
                    client=pipe,
                )
            await pipe.execute()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


def stream_fields(event: OutboxEvent) -> list[str]:
    """An event as the flat field/value list of its stream entry."""
    return [
        "event_id",
        event.event_id,
        "type",
        event.type,
        "conversation_id",
        event.conversation_id or "",
        "payload",
        json.dumps(event.payload, separators=(",", ":"), default=str),
        "occurred_at",
        occurred_at(event),
    ]


@dataclass
class _Claim:
    """A batch of events claimed in an open transaction on `connection`."""

    connection: Connection
    events: list[OutboxEvent]

    def publish(self) -> None:
        """Mark the events published and commit (releasing the claim)."""
        try:
            self.connection.execute(
                update(_TABLE)
                .where(_TABLE.c.id.in_([event.id for event in self.events]))
                .values(published_at=utcnow(), attempts=_TABLE.c.attempts + 1)
            )
            self.connection.commit()
        finally:
            self.connection.close()

    def fail(self, sink: str, error: BaseException) -> None:
        """Roll back the claim, then count the attempt and keep the error on the rows."""
        try:
            self.connection.rollback()
            if isinstance(error, Exception):
                with self.connection.begin():
                    self.connection.execute(
                        update(_TABLE)
                        .where(_TABLE.c.id.in_([event.id for event in self.events]), _PENDING)
                        .values(
                            attempts=_TABLE.c.attempts + 1,
                            last_error=f"{sink}: {type(error).__name__}: {error}"[:2000],
                        )
                    )
        finally:
            self.connection.close()


class OutboxRelay:
    """Publishes stored events to the sinks, in id order, batch by batch.

    Several processes may each run a relay. A batch is claimed in the transaction that later
    marks it published: on Postgres with `FOR UPDATE SKIP LOCKED` (a relay that finds earlier
    events claimed by another waits for it, keeping the order), on SQLite under the single
    writer lock (`BEGIN IMMEDIATE`). A batch a sink fails on stays unpublished, with its
    `attempts` counted and `last_error` kept, and goes out again on a later pass.
    """

    def __init__(
        self,
        engine: Engine,
        sinks: Sequence[Sink],
        *,
        batch_size: int = 100,
        poll_seconds: float = 0.5,
    ) -> None:
        """Relay from this database to these sinks.

        Args:
            engine: the platform database.
            sinks: where every event goes, in this order.
            batch_size: events claimed and delivered per pass.
            poll_seconds: the pause between passes when the outbox is drained.
        """
        self._engine = engine
        self.sinks = tuple(sinks)
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds

    async def run_once(self) -> int:
        """Publish one batch; returns how many events went out (0 when none waited)."""
        claim = await self._claim_guarded()
        if claim is None:
            return 0
        sink_name = "commit"
        try:
            for sink in self.sinks:
                sink_name = sink.name
                if isinstance(sink, TransactionalSink):
                    await asyncio.to_thread(
                        sink.deliver_in_transaction, claim.connection, claim.events
                    )
                else:
                    await sink.deliver(claim.events)
            sink_name = "commit"
            await asyncio.to_thread(claim.publish)
        except BaseException as error:
            await asyncio.to_thread(claim.fail, sink_name, error)
            raise
        first, last = claim.events[0], claim.events[-1]
        logger.info("outbox: published %d events (ids %s-%s)", len(claim.events), first.id, last.id)
        return len(claim.events)

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until `stop` is set; a failing pass is retried with growing pauses."""
        failures = 0
        while not stop.is_set():
            try:
                published = await self.run_once()
            except Exception as error:
                failures += 1
                ceiling = min(MAX_BACKOFF_S, self.poll_seconds * 2**failures)
                delay = random.uniform(ceiling / 2, ceiling)
                logger.warning(
                    "outbox: pass failed (%s, see outbox_events.last_error); next in %.1f s",
                    type(error).__name__,
                    delay,
                )
                await pause(stop, delay)
                continue
            failures = 0
            if published < self.batch_size:
                await pause(stop, self.poll_seconds)

    async def _claim_guarded(self) -> _Claim | None:
        """Claim a batch; if the caller is cancelled meanwhile, the claim is still released."""
        pending = asyncio.ensure_future(asyncio.to_thread(self._claim))
        try:
            return await asyncio.shield(pending)
        except asyncio.CancelledError:
            pending.add_done_callback(_release_abandoned)
            raise

    def _claim(self) -> _Claim | None:
        connection = self._engine.connect()
        try:
            events = self._select_batch(connection)
        except BaseException:
            connection.close()
            raise
        if not events:
            connection.close()
            return None
        return _Claim(connection, events)

    def _select_batch(self, connection: Connection) -> list[OutboxEvent]:
        waiting = select(_TABLE.c.id).where(_PENDING)
        if not begin_claim(connection, waiting):
            return []
        query = (
            select(_TABLE)
            .where(_PENDING)
            .order_by(_TABLE.c.id)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )
        rows = connection.execute(query).mappings().all()
        if rows and connection.dialect.name == "postgresql":
            head = connection.scalar(select(func.min(_TABLE.c.id)).where(_PENDING))
            if head != rows[0]["id"]:
                # Another relay holds earlier events: publishing these now would break the order.
                return []
        return [OutboxEvent(**row) for row in rows]


def _release_abandoned(pending: asyncio.Future[_Claim | None]) -> None:
    if pending.cancelled() or pending.exception() is not None:
        return
    claim = pending.result()
    if claim is not None:
        claim.connection.close()


class OutboxConfigError(ValueError):
    """The settings ask for an outbox sink that cannot run as configured."""


@dataclass
class OutboxWorkers:
    """The relay and the webhook dispatcher the settings call for, run as one background job."""

    relay: OutboxRelay | None = None
    dispatcher: WebhookDispatcher | None = None
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def enabled(self) -> bool:
        """Whether any sink is configured; without one, `run` returns at once."""
        return self.relay is not None

    async def run(self, stop: asyncio.Event) -> None:
        """Relay and dispatch until `stop` is set, then close the sinks' connections."""
        if not self.enabled:
            logger.info("outbox: no sink configured; events stay in outbox_events")
            return
        try:
            async with asyncio.TaskGroup() as group:
                if self.relay is not None:
                    group.create_task(self.relay.run(stop))
                if self.dispatcher is not None:
                    group.create_task(self.dispatcher.run(stop))
        finally:
            for close in self.closers:
                await close()


def build_outbox(
    settings: Settings, engine: Engine, *, batch_size: int = 100, poll_seconds: float = 0.5
) -> OutboxWorkers:
    """Build the outbox workers for a deployment.

    The Redis stream `settings.events_stream` is a sink when `settings.redis_url` is set;
    signed webhooks to `settings.webhook_urls` when those are set (with their dispatcher).

    Args:
        settings: the deployment settings.
        engine: the platform database.
        batch_size: events per relay pass.
        poll_seconds: the relay's pause when the outbox is drained.

    Returns:
        The workers; not `enabled` (and harmless to run) when no sink is configured.

    Raises:
        OutboxConfigError: webhooks are configured without `webhook_secret`.
    """
    sinks: list[Sink] = []
    workers = OutboxWorkers()
    if settings.webhook_urls:
        if not settings.webhook_secret:
            raise OutboxConfigError(
                "SUPPORTGRAPH_WEBHOOK_URLS is set but SUPPORTGRAPH_WEBHOOK_SECRET is empty: "
                "webhook deliveries must be signed; set a long random secret and share it "
                "with the receivers"
            )
        sinks.append(WebhookSink(engine, settings.webhook_urls))
        workers.dispatcher = WebhookDispatcher(engine, settings.webhook_secret)
        workers.closers.append(workers.dispatcher.aclose)
    if settings.redis_url:
        stream = RedisStreamSink(settings.redis_url, settings.events_stream)
        sinks.append(stream)
        workers.closers.append(stream.aclose)
    if sinks:
        workers.relay = OutboxRelay(engine, sinks, batch_size=batch_size, poll_seconds=poll_seconds)
    return workers


def main(argv: Sequence[str] | None = None) -> int:
    """Run the relay and the dispatcher from the environment's settings until SIGTERM/SIGINT.

    Args:
        argv: the command-line arguments (`sys.argv[1:]` when omitted).

    Returns:
        The exit status: 0 after a clean stop, 2 when no sink is configured or the
        configuration is invalid.
    """
    parser = argparse.ArgumentParser(
        prog="python -m supportgraph.api.outbox",
        description="Publish the platform's outbox events to Redis Streams and webhooks.",
    )
    parser.add_argument("--batch-size", type=int, default=100, help="events per pass")
    parser.add_argument(
        "--poll-seconds", type=float, default=0.5, help="pause when the outbox is drained"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from supportgraph.guardrails.pii import install_log_redaction

    install_log_redaction()
    engine = engine_for(settings)
    try:
        workers = build_outbox(
            settings, engine, batch_size=args.batch_size, poll_seconds=args.poll_seconds
        )
        if not workers.enabled:
            logger.error(
                "outbox: nothing to publish to; set SUPPORTGRAPH_REDIS_URL and/or "
                "SUPPORTGRAPH_WEBHOOK_URLS"
            )
            return 2
        upgrade(settings.store_url)
        asyncio.run(_serve(workers))
    except OutboxConfigError as error:
        logger.error("outbox: %s", error)
        return 2
    finally:
        engine.dispose()
    return 0


async def _serve(workers: OutboxWorkers) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    logger.info("outbox: relay started")
    await workers.run(stop)
    logger.info("outbox: relay stopped")


if __name__ == "__main__":
    raise SystemExit(main())
