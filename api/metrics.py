"""Prometheus metrics of the support service, in a registry of the app's own.

Every instrument lives in one `CollectorRegistry` held by the app, not the process-wide
default, so several apps in one process (tests, embedding hosts) never collide. With several
worker processes, set `PROMETHEUS_MULTIPROC_DIR` to an empty directory shared by them: each
process then writes its samples there and a scrape of any process reads them all.

Label values are fixed vocabularies (node names, outcomes, error kinds, token kinds), never
anything a customer wrote. Automation and escalation rates are derived from
`supportgraph_turns_total` in PromQL; the README shows how.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from supportgraph.api.tables import Conversation, ConversationStatus, Feedback, utcnow
from supportgraph.settings import parse_price

logger = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
"""Media type of the Prometheus text format served at `/metrics`."""
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds: a node runs in milliseconds, an LLM turn in seconds."""
CONFIDENCE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
OUTCOMES = ("automated", "escalated", "error")
"""`supportgraph_turns_total` outcomes: answered by the AI, handed to a human, failed."""
ERROR_KINDS = ("turn", "node", "llm", "tool", "scrape")
"""`supportgraph_errors_total` kinds: a failed turn, node, model call, tool, or scrape query."""
CSAT_WINDOW = timedelta(hours=1)
CSAT_REFRESH_S = 60.0
"""A scrape recomputes the CSAT average at most this often."""


class Metrics:
    """The service's instruments, and the scrape that renders them."""

    def __init__(self, *, price_per_mtok: str = "", multiprocess_dir: str = "") -> None:
        """Create every instrument in a fresh registry.

        Args:
            price_per_mtok: `input,output` USD per million tokens; empty means no cost counted.
            multiprocess_dir: `PROMETHEUS_MULTIPROC_DIR`; empty means this process only.

        Raises:
            ValueError: A bad price, or a multiprocess directory the environment does not name
                (prometheus-client picks its storage from the environment at import).
        """
        self.price = parse_price(price_per_mtok) if price_per_mtok.strip() else None
        self.multiprocess_dir = _checked_multiprocess_dir(multiprocess_dir)
        self.registry = CollectorRegistry(auto_describe=False)
        self._scraped: list[Collector] = []
        registry = self.registry
        self.turn_seconds = Histogram(
            "supportgraph_turn_seconds",
            "Seconds per graph node run (node=<name>) and per whole turn (node=turn).",
            ["node"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.turns = Counter(
            "supportgraph_turns_total", "Customer turns by outcome.", ["outcome"], registry=registry
        )
        self.errors = Counter(
            "supportgraph_errors_total", "Failures by kind.", ["kind"], registry=registry
        )
        self.intent_confidence = Histogram(
            "supportgraph_intent_confidence",
            "Confidence of the intent read from each customer message.",
            buckets=CONFIDENCE_BUCKETS,
            registry=registry,
        )
        self.tokens = Counter(
            "supportgraph_tokens_total",
            "LLM tokens, from the model's usage metadata.",
            ["kind"],
            registry=registry,
        )
        self.cost_usd = Counter(
            "supportgraph_cost_usd_total",
            "USD spent on LLM tokens at SUPPORTGRAPH_PRICE_PER_MTOK.",
            registry=registry,
        )
        self.websocket_connections = Gauge(
            "supportgraph_websocket_connections",
            "Open, authenticated support WebSocket connections.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        # Zero-valued series from the start, so rates over them exist before the first event.
        for outcome in OUTCOMES:
            self.turns.labels(outcome=outcome)
        for kind in ERROR_KINDS:
            self.errors.labels(kind=kind)
        for kind in ("input", "output"):
            self.tokens.labels(kind=kind)

    def watch_database(self, engine: Engine) -> None:
        """Add the figures read from the platform database at scrape time (queue, CSAT)."""
        collector = DatabaseCollector(engine, self)
        self._scraped.append(collector)
        self.registry.register(collector)

    def count_tokens(self, input_tokens: int, output_tokens: int) -> None:
        """Count one model call's tokens, and their cost when a price is set."""
        self.tokens.labels(kind="input").inc(max(input_tokens, 0))
        self.tokens.labels(kind="output").inc(max(output_tokens, 0))
        if self.price is not None:
            per_input, per_output = self.price
            spent = (max(input_tokens, 0) * per_input + max(output_tokens, 0) * per_output) / 1e6
            self.cost_usd.inc(spent)

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric (blocking: database figures)."""
        if not self.multiprocess_dir:
            return generate_latest(self.registry)
        registry = CollectorRegistry(auto_describe=False)
        multiprocess.MultiProcessCollector(registry, path=self.multiprocess_dir)
        for collector in self._scraped:
            registry.register(collector)
        return generate_latest(registry)

    def close(self) -> None:
        """Let the live gauges of this process go (multiprocess mode; nothing otherwise)."""
        if self.multiprocess_dir:
            multiprocess.mark_process_dead(os.getpid(), self.multiprocess_dir)


def _checked_multiprocess_dir(path: str) -> str:
    if not path:
        return ""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") != path:
        raise ValueError(
            "PROMETHEUS_MULTIPROC_DIR must be set in the environment before the server starts "
            f"(got {path!r} in settings only)"
        )
    if not os.path.isdir(path):
        raise ValueError(f"PROMETHEUS_MULTIPROC_DIR is not a directory: {path!r}")
    return path


class DatabaseCollector(Collector):
    """`supportgraph_queue_waiting` and `supportgraph_csat`, read when Prometheus scrapes.

    The queue is one indexed COUNT per scrape; the CSAT average is recomputed at most once a
    minute. A failed query is logged and counted, and the scrape goes on without that figure.
    """

    def __init__(self, engine: Engine, metrics: Metrics) -> None:
        """Read from this database, counting failures on `metrics`."""
        self.engine = engine
        self.metrics = metrics
        self._csat: tuple[float, float | None] | None = None
        """(monotonic time computed, average rating or None without ratings)."""
        self._lock = threading.Lock()

    def describe(self) -> Iterator[Metric]:
        """The two families, without querying (registration must not touch the database)."""
        yield GaugeMetricFamily("supportgraph_queue_waiting", _QUEUE_HELP)
        yield GaugeMetricFamily("supportgraph_csat", _CSAT_HELP)

    def collect(self) -> Iterator[Metric]:
        """Query the figures and yield them."""
        waiting = self._guarded(self._waiting)
        if waiting is not None:
            yield GaugeMetricFamily("supportgraph_queue_waiting", _QUEUE_HELP, value=waiting)
        with self._lock:
            if self._csat is None or time.monotonic() - self._csat[0] >= CSAT_REFRESH_S:
                average = self._guarded(self._average_rating)
                self._csat = (time.monotonic(), average)
            average = self._csat[1]
        if average is not None:
            yield GaugeMetricFamily("supportgraph_csat", _CSAT_HELP, value=average)

    def _guarded(self, query: Callable[[], float | None]) -> float | None:
        try:
            return query()
        except Exception:
            logger.warning("a metrics query failed", exc_info=True)
            self.metrics.errors.labels(kind="scrape").inc()
            return None

    def _waiting(self) -> float:
        with Session(self.engine) as session:
            count = session.exec(
                select(func.count())
                .select_from(Conversation)
                .where(
                    Conversation.status == ConversationStatus.ESCALATED,
                    col(Conversation.assigned_agent_id).is_(None),
                )
            ).one()
        return float(count)

    def _average_rating(self) -> float | None:
        with Session(self.engine) as session:
            average = session.exec(
                select(func.avg(Feedback.rating)).where(
                    col(Feedback.rating).is_not(None),
                    Feedback.created_at >= utcnow() - CSAT_WINDOW,
                )
            ).one()
        return None if average is None else float(average)


_QUEUE_HELP = "Escalated conversations waiting for a human (none assigned)."
_CSAT_HELP = "Average feedback rating (1-5) of the last hour; absent without ratings."
