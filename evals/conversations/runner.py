"""Play scripted customer conversations against the support graph and score them like τ-bench."""

from __future__ import annotations

import asyncio
import logging
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver

from supportgraph.api.agent import SupportAgent
from supportgraph.commerce.local import InProcessCommerce
from supportgraph.evals.conversations.report import ConversationResult, SuiteReport
from supportgraph.graph.builder import build_graph
from supportgraph.services import Services

__all__ = [
    "ConversationResult",
    "SuiteReport",
    "TurnMark",
    "run_conversation",
    "run_suite",
    "said",
    "transcript",
]

logger = logging.getLogger(__name__)
ServicesFactory = Callable[[], Services]
"""Gives services whose commerce adapter has a fresh store at `.store`; an optional
`release(services)` attribute is called once the conversation is scored."""
TOOL_TEXT = 400
"""Characters of each tool result a transcript keeps by default."""


@dataclass(frozen=True)
class TurnMark:
    """Where one customer turn starts in the thread, as the runner saw it when sending it."""

    start: int
    """Index of the turn's first message in the thread."""
    answers: dict[str, Any] | None = None
    """The held write (`name`, `args`) this turn was sent to answer, if one was waiting."""


async def run_conversation(
    example: dict[str, Any],
    services_factory: ServicesFactory,
    *,
    tool_text: int | None = TOOL_TEXT,
) -> ConversationResult:
    """Play one example's customer turns, then compare the store and the replies to the gold.

    Each turn goes to the agent as written; a turn sent while a write waits for confirmation
    is the customer's answer to it. The conversation stops early once the agent hands it to
    a human, as an upstream episode ends on a transfer.

    Args:
        example: A LangSmith example from `conversations.jsonl`.
        services_factory: Builds the services for this conversation.
        tool_text: Characters of each tool result kept in the transcript; None keeps all.
    """
    inputs, outputs = example["inputs"], example["outputs"]
    services = services_factory()
    agent = SupportAgent(build_graph(services, checkpointer=InMemorySaver()))
    config: RunnableConfig = {"configurable": {"thread_id": inputs["task_id"]}}
    latency: list[float] = []
    messages: list[AnyMessage] = []
    marks: list[TurnMark] = []
    pending: dict[str, Any] | None = None
    escalated, error = False, ""
    try:
        for turn in inputs["turns"]:
            # Recorded before sending: the policy checks need to know which write, if any,
            # this turn answers, independently of what the graph later writes in the thread.
            marks.append(TurnMark(len(messages), _held_call(pending)))
            start = time.perf_counter()
            result = await agent.turn({"messages": [{"type": "human", "content": turn}]}, config)
            latency.append(time.perf_counter() - start)
            messages = result["messages"]
            pending = result.get("pending_action")
            if result.get("escalation"):
                escalated = True
                break
    except Exception as exc:  # noqa: BLE001 - one broken conversation must not stop a suite.
        logger.exception("conversation %s failed", inputs["task_id"])
        error = f"{type(exc).__name__}: {exc}"
        messages = (await agent.graph.aget_state(config)).values.get("messages", messages)
    # The factory gives every conversation its own in-process store, whose hash is the score.
    commerce = cast(InProcessCommerce, services.commerce)
    store_hash = await asyncio.to_thread(commerce.store.state_hash)
    release = getattr(services_factory, "release", None)
    if release is not None:
        release(services)
    hash_ok = store_hash == outputs["store_hash"]
    said_ok = said(outputs.get("must_say") or [], messages)
    return ConversationResult(
        task_id=inputs["task_id"],
        success=hash_ok and said_ok and not error,
        hash_ok=hash_ok,
        said_ok=said_ok,
        turns=len(latency),
        transcript=transcript(messages, marks, tool_text=tool_text),
        escalated=escalated,
        latency=[round(t, 4) for t in latency],
        flows=list(example.get("metadata", {}).get("flows", [])),
        error=error,
        store_hash=store_hash,
    )


async def run_suite(
    examples: Iterable[dict[str, Any]],
    services_factory: ServicesFactory,
    *,
    concurrency: int = 1,
    progress: Callable[[ConversationResult], None] | None = None,
) -> SuiteReport:
    """Run conversations, each on its own store, and report pass rates.

    Args:
        examples: LangSmith examples from `conversations.jsonl`.
        services_factory: Builds the services for one conversation.
        concurrency: Conversations in flight at once; the NLU is CPU-bound, so more than the
            number of cores rarely helps.
        progress: Called with each result as it completes.
    """
    gate = asyncio.Semaphore(concurrency)
    start = time.perf_counter()

    async def one(example: dict[str, Any]) -> ConversationResult:
        async with gate:
            result = await run_conversation(example, services_factory)
        if progress is not None:
            progress(result)
        return result

    results = await asyncio.gather(*(one(e) for e in examples))
    return SuiteReport(results=list(results), seconds=time.perf_counter() - start)


def said(must_say: list[str], messages: list[AnyMessage]) -> bool:
    """Whether every string appears in some agent message: case-insensitive, commas removed."""
    replies = [
        str(m.content).lower().replace(",", "")
        for m in messages
        if isinstance(m, AIMessage) and m.content
    ]
    return all(any(s.lower() in reply for reply in replies) for s in must_say)


def transcript(
    messages: list[AnyMessage],
    marks: Sequence[TurnMark] = (),
    *,
    tool_text: int | None = TOOL_TEXT,
) -> list[dict[str, Any]]:
    """The thread as plain dicts: customer and agent text, tool calls and tool results.

    Calls and tool results carry the call `id`, tool results their `status`, and a
    confirmation question `confirm: True`. With turn marks every line also carries its
    customer `turn` (0-based), and a turn's first customer line the write it `answers`.

    Args:
        messages: The thread.
        marks: Where each customer turn starts, from `run_conversation`.
        tool_text: Characters of each tool result to keep; None keeps all.
    """
    lines: list[dict[str, Any]] = []
    starts = [mark.start for mark in marks]
    for index, message in enumerate(messages):
        turn = bisect_right(starts, index) - 1 if marks else None
        for line in _lines(message, tool_text):
            if turn is not None and turn >= 0:
                line["turn"] = turn
                answers = marks[turn].answers
                if answers and line["role"] == "customer" and index == marks[turn].start:
                    line["answers"] = answers
            lines.append(line)
    return lines


def _lines(message: AnyMessage, tool_text: int | None) -> list[dict[str, Any]]:
    """One message as transcript lines: an agent message gives its text and each call."""
    if isinstance(message, HumanMessage):
        return [{"role": "customer", "text": str(message.content)}]
    if isinstance(message, ToolMessage):
        text = str(message.content)
        return [
            {
                "role": "tool",
                "name": message.name,
                "text": text if tool_text is None else text[:tool_text],
                "id": message.tool_call_id,
                "status": message.status,
            }
        ]
    if not isinstance(message, AIMessage):
        return []
    lines: list[dict[str, Any]] = []
    if message.content:
        line: dict[str, Any] = {"role": "agent", "text": str(message.content)}
        if message.response_metadata.get("confirm"):
            line["confirm"] = True
        lines.append(line)
    for call in message.tool_calls:
        lines.append({"role": "call", "name": call["name"], "args": call["args"], "id": call["id"]})
    return lines


def _held_call(pending: dict[str, Any] | None) -> dict[str, Any] | None:
    """The name and arguments of a write held for confirmation."""
    call = (pending or {}).get("call")
    return {"name": call["name"], "args": dict(call.get("args") or {})} if call else None
