"""The support runnable served by LangServe: one customer turn per call, interrupts resumed."""

from __future__ import annotations

import time
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    BaseMessage,
    HumanMessage,
    convert_to_messages,
)
from langchain_core.runnables import RunnableConfig, RunnableLambda
from langchain_core.runnables.utils import ConfigurableFieldSpec
from langgraph.types import Command
from opentelemetry.trace import Tracer
from pydantic import BaseModel, Field

from supportgraph.api.locks import InProcessLocks, ThreadLocks
from supportgraph.api.metrics import Metrics
from supportgraph.api.observe import watch_turn
from supportgraph.graph.state import SupportContext


class SupportInput(BaseModel):
    """One customer turn."""

    messages: list[AnyMessage] = Field(
        description="New messages; the last human message is the customer's turn."
    )


class SupportOutput(BaseModel):
    """The thread after the turn; the reply is the last AI message."""

    messages: list[AnyMessage] = Field(default_factory=list)
    pending_action: dict[str, Any] | None = Field(
        default=None, description="A change waiting for the customer's yes."
    )
    escalation: dict[str, Any] | None = Field(
        default=None, description="Set once the thread is handed to a human."
    )


SIGNED_IN_KEY = "supportgraph_signed_in_user_id"
"""Config key the server sets from a verified USER token; a caller's own value is replaced."""


class MissingThreadError(ValueError):
    """A turn was sent without `config.configurable.thread_id`."""


class SupportAgent:
    """Runs customer turns on the compiled graph, one at a time per thread."""

    def __init__(self, graph: Any = None, *, locks: ThreadLocks | None = None) -> None:
        """Hold the compiled graph (set later by the server's start-up).

        Args:
            graph: The compiled support graph, with a checkpointer.
            locks: Per-thread locks; in-process unless given.
        """
        self.graph = graph
        self.locks = locks or InProcessLocks()
        self.recorder: Any = None
        """Stores each served (LangServe) turn: `await recorder(thread_id, text, state, ms)`."""
        self.metrics: Metrics | None = None
        """Where each turn's duration, outcome, node timings and tokens are counted."""
        self.tracer: Tracer | None = None
        """Makes a span per turn and per node when tracing is configured."""

    async def turn(
        self,
        payload: dict[str, Any] | SupportInput,
        config: RunnableConfig,
        *,
        signed_in_user_id: str | None = None,
    ) -> dict[str, Any]:
        """Run one customer turn and return the thread.

        When the thread waits on a confirmation, the customer's message is the answer and
        resumes it; otherwise it starts a new turn.

        Args:
            payload: The new messages.
            config: Run config with `configurable.thread_id`. The server may add
                `configurable[SIGNED_IN_KEY]` after checking the caller's token; callers can't.
            signed_in_user_id: The signed-in customer's store user id (server-side callers).
        """
        if self.graph is None:
            raise RuntimeError("the support graph is not ready yet")
        thread_id = (config.get("configurable") or {}).get("thread_id")
        if not thread_id:
            raise MissingThreadError("config.configurable.thread_id is required")
        messages = _messages(payload)
        if not any(isinstance(m, HumanMessage) for m in messages):
            raise ValueError("input.messages must hold at least one human message")
        configurable = dict(config.get("configurable") or {})
        signed_in_user_id = signed_in_user_id or configurable.pop(SIGNED_IN_KEY, None)
        context = SupportContext(signed_in_user_id=signed_in_user_id)
        thread = {**config, "configurable": {**configurable, "thread_id": thread_id}}
        async with self.locks.hold(str(thread_id)):
            with watch_turn(self.metrics, self.tracer, str(thread_id)) as watch:
                run = watch.config(thread)  # type: ignore[arg-type]
                snapshot = await self.graph.aget_state(thread)
                if snapshot.interrupts:
                    human = next(m for m in reversed(messages) if isinstance(m, HumanMessage))
                    await self.graph.ainvoke(Command(resume=human.content), run, context=context)
                else:
                    await self.graph.ainvoke({"messages": messages}, run, context=context)
                values = (await self.graph.aget_state(thread)).values
                watch.finish(values)
        return {
            "messages": values.get("messages", []),
            "pending_action": values.get("pending_action"),
            "escalation": values.get("escalation"),
            "intent": values.get("intent", ""),
            "confidence": values.get("confidence", 0.0),
            "sentiment": values.get("sentiment", 0.0),
            "customer": values.get("customer"),
            "safety": values.get("safety"),
            "rule": values.get("rule"),
        }

    async def release(self, thread_id: str) -> None:
        """Hand a thread back to the AI: clear the graph's handoff so it answers again."""
        if self.graph is None:
            raise RuntimeError("the support graph is not ready yet")
        thread = {"configurable": {"thread_id": thread_id}}
        async with self.locks.hold(thread_id):
            snapshot = await self.graph.aget_state(thread)
            if snapshot.values.get("escalation") is None:
                return
            fresh = {"escalation": None, "rule": None, "negative_turns": 0, "failures": 0}
            await self.graph.aupdate_state(thread, fresh, as_node="escalate")

    def runnable(self) -> Any:
        """The LangServe-ready runnable, typed for the schema and the playground."""

        async def served_turn(
            payload: dict[str, Any] | SupportInput, config: RunnableConfig
        ) -> dict[str, Any]:
            start = time.perf_counter()
            state = await self.turn(payload, config)
            if self.recorder is not None:
                thread_id = str((config.get("configurable") or {}).get("thread_id"))
                text = next(
                    m.text for m in reversed(_messages(payload)) if isinstance(m, HumanMessage)
                )
                elapsed = int((time.perf_counter() - start) * 1000)
                await self.recorder(thread_id, text, state, elapsed)
            return {key: state[key] for key in SupportOutput.model_fields}

        return _ThreadedLambda(served_turn, name="support").with_types(
            input_type=SupportInput, output_type=SupportOutput
        )


class _ThreadedLambda(RunnableLambda):
    """A lambda that declares `thread_id`, so LangServe passes it through from the request."""

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        return [
            ConfigurableFieldSpec(
                id="thread_id",
                annotation=str,
                name="Thread ID",
                description="The conversation: every turn of one conversation uses the same id.",
                default="",
            )
        ]


def last_reply(messages: list[AnyMessage]) -> str:
    """Text of the last AI message with text."""
    for message in reversed(messages):
        if isinstance(message, AIMessage) and message.content:
            return str(message.content)
    return ""


def _messages(payload: dict[str, Any] | SupportInput) -> list[BaseMessage]:
    raw = payload.messages if isinstance(payload, SupportInput) else payload.get("messages", [])
    return list(convert_to_messages(raw))
