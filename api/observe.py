"""Measuring turns from outside the graph: a callback handler times nodes, counts tokens.

`SupportAgent.turn` opens a `TurnWatch` around each run of the graph and passes its handler in
the run config, so every path that runs a turn (REST, WebSocket, LangServe) is measured the
same way and the nodes stay unaware of metrics and tracing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult
from langchain_core.runnables import RunnableConfig
from langchain_core.runnables.config import merge_configs
from langgraph.errors import GraphBubbleUp
from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode, Tracer

from supportgraph.api.metrics import Metrics
from supportgraph.api.tracing import conversation_hash

TURN = "turn"
"""The `node` label of a whole turn's duration."""


class NodeObserver(BaseCallbackHandler):
    """Times each graph node run, counts model tokens and failures, and traces nodes."""

    # Each callback is a few dictionary and counter operations: run inline, not in a thread.
    run_inline = True

    def __init__(self, metrics: Metrics | None, tracer: Tracer | None, parent: Span | None) -> None:
        """Record on these metrics and/or as child spans of `parent`.

        Args:
            metrics: Where durations, tokens and errors are counted; None for none.
            tracer: Makes a span per node run; None for none.
            parent: The turn's span.
        """
        self.metrics, self.tracer, self.parent = metrics, tracer, parent
        self.ran: list[str] = []
        """Nodes that ran in this turn, in order."""
        self._open: dict[UUID, tuple[str, float, Span | None]] = {}

    def on_chain_start(
        self,
        serialized: dict[str, Any] | None,
        inputs: Any,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Start timing a node: the run LangGraph names after the node it belongs to."""
        node = (metadata or {}).get("langgraph_node")
        # Runnables inside a node inherit its metadata; only the node's own run is timed, and
        # LangGraph's own steps (`__start__`, which writes the input) are not the graph's nodes.
        if not node or kwargs.get("name") != node or parent_run_id in self._open:
            return
        if str(node).startswith("__"):
            return
        span = None
        if self.tracer is not None:
            context = trace.set_span_in_context(self.parent) if self.parent else None
            span = self.tracer.start_span(
                f"supportgraph.node.{node}", context=context, attributes={"supportgraph.node": node}
            )
        self._open[run_id] = (str(node), time.perf_counter(), span)

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        """Record a node run that finished."""
        self._close(run_id, None)

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Record a node run that failed, or stopped to wait for the customer (an interrupt)."""
        self._close(run_id, error)

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        """Count a model call's input and output tokens from its usage metadata."""
        if self.metrics is not None:
            self.metrics.count_tokens(*_usage(response))

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Count a failed model call."""
        if self.metrics is not None:
            self.metrics.errors.labels(kind="llm").inc()

    def on_tool_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Count a failed tool run."""
        if self.metrics is not None:
            self.metrics.errors.labels(kind="tool").inc()

    def _close(self, run_id: UUID, error: BaseException | None) -> None:
        opened = self._open.pop(run_id, None)
        if opened is None:
            return
        node, started, span = opened
        self.ran.append(node)
        failed = error is not None and not isinstance(error, GraphBubbleUp)
        if self.metrics is not None:
            self.metrics.turn_seconds.labels(node=node).observe(time.perf_counter() - started)
            if failed:
                self.metrics.errors.labels(kind="node").inc()
        if span is not None:
            if isinstance(error, GraphBubbleUp):
                span.set_attribute("supportgraph.interrupted", True)
            elif failed:
                # The type only: an exception's message may quote what the customer wrote.
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
            span.end()


def _usage(response: LLMResult) -> tuple[int, int]:
    """(input, output) tokens of a model call: its messages' usage metadata, else llm_output."""
    spent_in = spent_out = 0
    found = False
    for generations in response.generations:
        for generation in generations:
            usage = getattr(getattr(generation, "message", None), "usage_metadata", None)
            if usage:
                found = True
                spent_in += int(usage.get("input_tokens") or 0)
                spent_out += int(usage.get("output_tokens") or 0)
    if not found:
        usage = (response.llm_output or {}).get("token_usage") or {}
        spent_in = int(usage.get("prompt_tokens") or 0)
        spent_out = int(usage.get("completion_tokens") or 0)
    return spent_in, spent_out


class TurnWatch:
    """One turn being measured: its duration, outcome and intent, and its span."""

    def __init__(self, metrics: Metrics | None, tracer: Tracer | None, thread_id: str) -> None:
        """Start the turn's clock and span."""
        self.metrics, self.tracer = metrics, tracer
        self.started = time.perf_counter()
        self.span: Span | None = None
        if tracer is not None:
            self.span = tracer.start_span(
                "supportgraph.turn",
                attributes={"supportgraph.conversation": conversation_hash(thread_id)},
            )
        self.nodes = NodeObserver(metrics, tracer, self.span)

    def config(self, config: RunnableConfig) -> RunnableConfig:
        """The run config with the node observer added to whatever callbacks it has."""
        if self.metrics is None and self.tracer is None:
            return config  # nothing to record: the graph runs without an extra handler
        return merge_configs(config, {"callbacks": [self.nodes]})

    def finish(self, values: dict[str, Any]) -> None:
        """Record a turn that ran, from the thread's state after it."""
        outcome = "escalated" if values.get("escalation") else "automated"
        # The state keeps the last reading; it is this turn's only if `understand` ran.
        understood = "understand" in self.nodes.ran
        confidence = float(values.get("confidence") or 0.0)
        if self.metrics is not None:
            self.metrics.turns.labels(outcome=outcome).inc()
            if understood:
                self.metrics.intent_confidence.observe(confidence)
        if self.span is not None:
            self.span.set_attribute("supportgraph.outcome", outcome)
            if understood and values.get("intent"):
                self.span.set_attribute("supportgraph.intent", str(values["intent"]))
                self.span.set_attribute("supportgraph.confidence", confidence)

    def fail(self, error: BaseException) -> None:
        """Record a turn that raised."""
        if self.metrics is not None:
            self.metrics.turns.labels(outcome="error").inc()
            self.metrics.errors.labels(kind="turn").inc()
        if self.span is not None:
            self.span.set_attribute("supportgraph.outcome", "error")
            self.span.set_status(Status(StatusCode.ERROR, type(error).__name__))

    def end(self) -> None:
        """Stop the clock and the span."""
        if self.metrics is not None:
            self.metrics.turn_seconds.labels(node=TURN).observe(time.perf_counter() - self.started)
        if self.span is not None:
            self.span.end()


@contextmanager
def watch_turn(
    metrics: Metrics | None, tracer: Tracer | None, thread_id: str
) -> Iterator[TurnWatch]:
    """Measure one turn; a turn that raises is counted as an `error` outcome and re-raised."""
    watch = TurnWatch(metrics, tracer, thread_id)
    try:
        yield watch
    except Exception as error:
        watch.fail(error)
        raise
    finally:
        watch.end()
