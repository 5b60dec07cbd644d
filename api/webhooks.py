"""Signed webhooks: every platform event POSTed to a CRM or ticketing system until it lands.

The outbox relay records one `webhook_deliveries` row per event and endpoint (`WebhookSink`), in
the transaction that marks the event published; `WebhookDispatcher` then POSTs the due rows,
retrying with exponential backoff. Delivery is at least once: receivers deduplicate on
`X-Supportgraph-Event-Id` and check `X-Supportgraph-Signature` with `verify_signature`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Literal

import httpx
from sqlalchemy import Connection, Engine, Select, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from supportgraph.api.tables import OutboxEvent, WebhookDelivery, utcnow

logger = logging.getLogger(__name__)

PENDING = "PENDING"
DELIVERED = "DELIVERED"
FAILED = "FAILED"

EVENT_ID_HEADER = "X-Supportgraph-Event-Id"
EVENT_TYPE_HEADER = "X-Supportgraph-Event-Type"
TIMESTAMP_HEADER = "X-Supportgraph-Timestamp"
SIGNATURE_HEADER = "X-Supportgraph-Signature"

REQUEST_TIMEOUT_S = 10.0
"""How long one POST may take, connecting included, before it counts as a network error."""

_EVENTS: Table = OutboxEvent.__table__  # type: ignore[attr-defined]
_DELIVERIES: Table = WebhookDelivery.__table__  # type: ignore[attr-defined]

Outcome = Literal["delivered", "retry", "failed"]


def event_body(event: OutboxEvent) -> bytes:
    """The JSON document POSTed for an event; its exact bytes are what the signature covers."""
    document = {
        "event_id": event.event_id,
        "type": event.type,
        "conversation_id": event.conversation_id,
        "occurred_at": occurred_at(event),
        "payload": event.payload,
    }
    return json.dumps(document, separators=(",", ":"), default=str).encode()


def occurred_at(event: OutboxEvent) -> str:
    """When the reported change happened (ISO 8601): stamped by `stage`, else the row's time."""
    stamped = event.payload.get("occurred_at")
    return str(stamped) if stamped else event.created_at.isoformat()


def sign(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """The `X-Supportgraph-Signature` value of a delivery.

    Args:
        secret: the shared webhook secret.
        timestamp: the `X-Supportgraph-Timestamp` value (Unix seconds).
        body: the request body exactly as sent.

    Returns:
        `sha256=` and the hex HMAC-SHA256 of `f"{timestamp}.{body}"` under the secret.
    """
    raw = body.encode() if isinstance(body, str) else body
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    tolerance_seconds: int = 300,
    now: float | None = None,
) -> bool:
    """Check a received delivery: for receivers of supportgraph webhooks.

    Args:
        secret: the shared webhook secret.
        headers: the request headers (any case).
        body: the raw request body, before any JSON parsing.
        tolerance_seconds: how far the timestamp may be from now; older (replayed) or
            future deliveries are rejected.
        now: the current Unix time; the system clock when omitted.

    Returns:
        True only if the signature matches the body and timestamp and the timestamp is fresh.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp = lowered.get(TIMESTAMP_HEADER.lower(), "").strip()
    signature = lowered.get(SIGNATURE_HEADER.lower(), "").strip()
    if not timestamp.isdigit() or not signature:
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance_seconds:
        return False
    expected = sign(secret, timestamp, body)
    return hmac.compare_digest(expected.encode(), signature.encode())


def classify(status: int) -> Outcome:
    """What an HTTP status means for a delivery: 2xx lands; 408, 429 and 5xx are retried."""
    if 200 <= status < 300:
        return "delivered"
    if status in (408, 429) or status >= 500:
        return "retry"
    return "failed"


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Parse a `Retry-After` header (seconds or an HTTP date); None when absent or invalid."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform in `[0, min(cap, base * 2**(attempt-1))]`."""
    return rng.uniform(0.0, min(cap, base * 2 ** max(0, attempt - 1)))


async def pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep for `seconds`, or less if `stop` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def begin_claim(connection: Connection, peek: Select[Any]) -> bool:
    """Open the transaction that claims rows; False when there is nothing to claim.

    Postgres claims with `FOR UPDATE SKIP LOCKED` in the ordinary transaction. SQLite has one
    writer at a time: the claim takes its lock up front (`BEGIN IMMEDIATE`), so no two
    processes can claim the same rows, after a lock-free look so an idle poll takes no lock.

    Args:
        connection: a connection with no transaction of its own yet.
        peek: a query returning a row when something waits.
    """
    if connection.dialect.name != "sqlite":
        return True
    if connection.execute(peek.limit(1)).first() is None:
        return False
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    return True


class WebhookSink:
    """Outbox sink recording one PENDING delivery per event per endpoint for the dispatcher."""

    name = "webhooks"

    def __init__(self, engine: Engine, endpoints: Sequence[str]) -> None:
        """Deliver to these endpoints.

        Args:
            engine: the platform database.
            endpoints: the `http(s)://` URLs that receive every event.
        """
        for url in endpoints:
            if not url.startswith(("http://", "https://")) or len(url) > 500:
                raise ValueError("a webhook endpoint must be an http(s) URL of at most 500 chars")
        if not endpoints:
            raise ValueError("no webhook endpoints")
        self._engine = engine
        self.endpoints = tuple(endpoints)

    def deliver_in_transaction(self, connection: Connection, events: Sequence[OutboxEvent]) -> None:
        """Add the deliveries in the caller's transaction; existing ones are left as they are."""
        now = utcnow()
        rows = [
            {
                "event_id": event.event_id,
                "endpoint": endpoint,
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for event in events
            for endpoint in self.endpoints
        ]
        if rows:
            dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(_DELIVERIES).on_conflict_do_nothing(
                index_elements=["event_id", "endpoint"]
            )
            connection.execute(statement, rows)

    async def deliver(self, events: Sequence[OutboxEvent]) -> None:
        """Add the deliveries in a transaction of their own."""
        await asyncio.to_thread(self._deliver_now, events)

    def _deliver_now(self, events: Sequence[OutboxEvent]) -> None:
        with self._engine.begin() as connection:
            self.deliver_in_transaction(connection, events)


@dataclass(frozen=True)
class _Due:
    """A claimed delivery; `attempts` already counts the one about to be made."""

    id: int
    endpoint: str
    attempts: int
    event: OutboxEvent | None


@dataclass(frozen=True)
class _Result:
    """What became of a claimed delivery in one pass."""

    due: _Due
    status: str
    at: datetime
    """When to try again (PENDING), or when it was delivered or given up on."""
    error: str | None = None
    attempted: bool = True
    """False for a delivery held back because its endpoint asked for a retry."""


class WebhookDispatcher:
    """POSTs due webhook deliveries, signed, and schedules retries.

    Several processes may dispatch at once: a claim pushes `next_attempt_at` forward by a
    lease, so a delivery is in one dispatcher's hands at a time and a dispatcher that dies
    mid-POST leaves it to be retried when the lease runs out.
    """

    def __init__(
        self,
        engine: Engine,
        secret: str,
        *,
        client: httpx.AsyncClient | None = None,
        max_attempts: int = 8,
        base_delay: float = 2.0,
        max_delay: float = 3600.0,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        batch_size: int = 50,
        poll_seconds: float = 1.0,
        timeout: float = REQUEST_TIMEOUT_S,
        lease_seconds: float | None = None,
    ) -> None:
        """Dispatch from this database.

        Args:
            engine: the platform database.
            secret: the HMAC key signing every delivery; must not be empty.
            client: the HTTP client; one is made (and closed by `aclose`) when omitted.
            max_attempts: attempts before a delivery is FAILED.
            base_delay: the first retry's backoff ceiling, in seconds; doubled per attempt.
            max_delay: the largest wait between attempts, `Retry-After` included.
            clock: the current time (timezone-aware UTC).
            rng: the jitter's random source.
            batch_size: deliveries claimed per pass.
            poll_seconds: the pause between passes when nothing is due.
            timeout: seconds one POST may take.
            lease_seconds: how long a claimed delivery is held before another dispatcher may
                retry it; by default long enough for a whole batch of POSTs to one endpoint
                to time out one after another.
        """
        if not secret:
            raise ValueError("a webhook secret is required to sign deliveries")
        self._engine = engine
        self._secret = secret
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._clock = clock
        self._rng = rng or random.Random()
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self._timeout = timeout
        if lease_seconds is None:
            lease_seconds = timeout * batch_size + 60.0
        self._lease = timedelta(seconds=lease_seconds)

    async def run_once(self) -> int:
        """Make one pass over the due deliveries; returns how many were POSTed."""
        claimed = await asyncio.to_thread(self._claim)
        if not claimed:
            return 0
        by_endpoint: dict[str, list[_Due]] = {}
        for due in claimed:
            by_endpoint.setdefault(due.endpoint, []).append(due)
        groups = await asyncio.gather(*(self._send_all(dues) for dues in by_endpoint.values()))
        results = [result for group in groups for result in group]
        await asyncio.to_thread(self._record, results)
        sent = [result for result in results if result.attempted]
        counts = {status: sum(r.status == status for r in sent) for status in (DELIVERED, FAILED)}
        logger.info(
            "webhooks: %d sent, %d delivered, %d to retry, %d failed",
            len(sent),
            counts[DELIVERED],
            len(sent) - counts[DELIVERED] - counts[FAILED],
            counts[FAILED],
        )
        return len(sent)

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set, backing off while the database is unavailable."""
        failures = 0
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception as error:
                failures += 1
                delay = min(60.0, self.poll_seconds * 2**failures)
                logger.warning("webhooks: pass failed (%s); next in %.1f s", _kind(error), delay)
                await pause(stop, delay)
                continue
            failures = 0
            if sent < self.batch_size:
                await pause(stop, self.poll_seconds)

    async def aclose(self) -> None:
        """Close the HTTP client if the dispatcher made it."""
        if self._owns_client:
            await self._client.aclose()

    def _due_query(self, now: datetime) -> Select[Any]:
        joined = _DELIVERIES.outerjoin(_EVENTS, _EVENTS.c.event_id == _DELIVERIES.c.event_id)
        return (
            select(
                _DELIVERIES.c.id.label("delivery_id"),
                _DELIVERIES.c.endpoint.label("endpoint_url"),
                _DELIVERIES.c.attempts.label("tries"),
                *_EVENTS.c,
            )
            .select_from(joined)
            .where(_DELIVERIES.c.status == PENDING, _DELIVERIES.c.next_attempt_at <= now)
            .order_by(_DELIVERIES.c.next_attempt_at, _DELIVERIES.c.id)
        )

    def _claim(self) -> list[_Due]:
        now = self._clock()
        query = self._due_query(now)
        with self._engine.connect() as connection:
            if not begin_claim(connection, query):
                return []
            locked = query.limit(self.batch_size).with_for_update(skip_locked=True, of=_DELIVERIES)
            rows = connection.execute(locked).all()
            if not rows:
                return []
            connection.execute(
                update(_DELIVERIES)
                .where(_DELIVERIES.c.id.in_([row.delivery_id for row in rows]))
                .values(attempts=_DELIVERIES.c.attempts + 1, next_attempt_at=now + self._lease)
            )
            connection.commit()
        return [_due(row) for row in rows]

    async def _send_all(self, dues: list[_Due]) -> list[_Result]:
        """POST one endpoint's deliveries in order; once it asks for a retry, wait with the rest."""
        results: list[_Result] = []
        for due in dues:
            held = next((r for r in results if r.status == PENDING), None)
            if held is not None:
                results.append(_Result(due, PENDING, held.at, attempted=False))
            else:
                results.append(await self._send(due))
        return results

    async def _send(self, due: _Due) -> _Result:
        if due.event is None:
            return _Result(due, FAILED, self._clock(), "the event is no longer in the outbox")
        body = event_body(due.event)
        timestamp = str(int(self._clock().timestamp()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "supportgraph-webhooks",
            EVENT_ID_HEADER: due.event.event_id,
            EVENT_TYPE_HEADER: due.event.type,
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
        }
        try:
            response = await self._client.post(
                due.endpoint, content=body, headers=headers, timeout=self._timeout
            )
        except httpx.TransportError as network:
            return self._retry(due, f"{_kind(network)}: {network}", _kind(network), None)
        status = f"HTTP {response.status_code}"
        problem = f"{status} {response.reason_phrase}".strip()
        outcome = classify(response.status_code)
        if outcome == "delivered":
            return _Result(due, DELIVERED, self._clock())
        if outcome == "failed":
            logger.warning("webhook %d to %s failed: %s", due.id, _host(due.endpoint), status)
            return _Result(due, FAILED, self._clock(), problem)
        return self._retry(due, problem, status, response.headers.get("Retry-After"))

    def _retry(self, due: _Due, error: str, summary: str, retry_after: str | None) -> _Result:
        """Schedule the next attempt, or give up once the attempts are spent.

        Args:
            due: the delivery.
            error: what went wrong, as stored in `last_error`.
            summary: what went wrong, as logged (no message text).
            retry_after: the response's `Retry-After` header, if any.
        """
        now = self._clock()
        if due.attempts >= self.max_attempts:
            logger.warning(
                "webhook %d to %s failed after %d attempts: %s",
                due.id,
                _host(due.endpoint),
                due.attempts,
                summary,
            )
            return _Result(due, FAILED, now, f"{error} (after {due.attempts} attempts)")
        asked = retry_after_seconds(retry_after, now)
        if asked is None:
            delay = backoff_delay(due.attempts, self.base_delay, self.max_delay, self._rng)
        else:
            delay = min(self.max_delay, asked)
        return _Result(due, PENDING, now + timedelta(seconds=delay), error)

    def _record(self, results: list[_Result]) -> None:
        with self._engine.begin() as connection:
            for result in results:
                values: dict[str, Any] = {"status": result.status, "next_attempt_at": result.at}
                if result.status == DELIVERED:
                    values["delivered_at"] = result.at
                if result.error is not None:
                    values["last_error"] = result.error[:2000]
                if not result.attempted:
                    values["attempts"] = _DELIVERIES.c.attempts - 1
                connection.execute(
                    update(_DELIVERIES)
                    .where(_DELIVERIES.c.id == result.due.id, _DELIVERIES.c.status == PENDING)
                    .values(**values)
                )


def _due(row: Any) -> _Due:
    """A claimed row as a delivery; the event is None if its outbox row is gone."""
    fields = row._mapping
    event = None
    if fields["event_id"] is not None:
        event = OutboxEvent(**{column.name: fields[column.name] for column in _EVENTS.c})
    return _Due(fields["delivery_id"], fields["endpoint_url"], fields["tries"] + 1, event)


def _host(url: str) -> str:
    """An endpoint as logged: its host only, since paths and queries may carry tokens."""
    return httpx.URL(url).host or "?"


def _kind(error: BaseException) -> str:
    """An error as logged: its class, never its message (which may quote data)."""
    return type(error).__name__
