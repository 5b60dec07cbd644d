"""In-process turn latency: the support graph beside a bare `create_react_agent`.

Three agents answer the same customer turns, taken from the regression conversations
(τ-bench train and dev), each on a SQLite checkpointer in a scratch folder:

- the embedded default (flow responder: intent, safety, retrieval, the gate, the tools);
- the support graph with its LLM responder on a fake model that waits a fixed delay per call;
- a bare `langgraph.prebuilt.create_react_agent` with the same fake model and retail tools,
  which is what a LangGraph user writes by hand: no intent, safety or retrieval.

The fake model looks one thing up and answers from it: two model calls and one tool call per
turn, the shape of a typical read turn. CPU-ms is the process's CPU time (every thread) over
the turns, divided by the turns.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import BaseTool, StructuredTool

DATASET = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "conversations.jsonl"


class LookupModel(BaseChatModel):
    """A tool-calling fake: looks the catalogue up, then answers from the result.

    Every call waits `delay` seconds first (asynchronously), as a hosted model would.
    """

    delay: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "bench-lookup"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> LookupModel:  # type: ignore[override]
        """The model decides its calls itself; the tools are not needed."""
        return self

    def _reply(self, messages: list[BaseMessage]) -> ChatResult:
        last = messages[-1] if messages else None
        if isinstance(last, ToolMessage):
            found = str(last.content)[:120]
            message = AIMessage(content=f"Here is what I found in our catalogue: {found}")
        else:
            call = {"name": "list_all_product_types", "args": {}, "id": f"call_{uuid.uuid4().hex}"}
            message = AIMessage(content="", tool_calls=[call])
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        time.sleep(self.delay)
        return self._reply(messages)

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        await asyncio.sleep(self.delay)
        return self._reply(messages)


@dataclass(frozen=True)
class Timing:
    """One agent's turns: wall-clock latencies and CPU time."""

    agent: str
    seconds: list[float]
    cpu_seconds: float

    def percentile(self, q: float) -> float:
        """The q-th percentile latency in milliseconds (q in 0..100)."""
        ordered = sorted(self.seconds)
        if len(ordered) == 1:
            return ordered[0] * 1000
        return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1] * 1000

    @property
    def cpu_ms(self) -> float:
        """CPU milliseconds per turn."""
        return self.cpu_seconds * 1000 / len(self.seconds)


def conversations(limit: int) -> list[list[str]]:
    """The customer turns of the first `limit` regression conversations."""
    rows = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines()]
    return [row["inputs"]["turns"] for row in rows[:limit]]


Turn = Callable[[str, str], Awaitable[Any]]


async def time_turns(agent: str, turn: Turn, talks: list[list[str]], *, warmup: int = 1) -> Timing:
    """Play every conversation through `turn(thread_id, text)`, one turn at a time."""
    for i, talk in enumerate(talks[:warmup]):
        for text in talk:
            await turn(f"warmup-{agent}-{i}", text)
    seconds: list[float] = []
    cpu = time.process_time()
    for i, talk in enumerate(talks):
        thread = f"{agent}-{i}-{uuid.uuid4().hex[:6]}"
        for text in talk:
            start = time.perf_counter()
            await turn(thread, text)
            seconds.append(time.perf_counter() - start)
    return Timing(agent, seconds, time.process_time() - cpu)


def bare_tools(commerce: Any) -> list[BaseTool]:
    """The retail tools with the commerce port bound in, as a hand-written agent has them."""
    from supportgraph.tools import RETAIL_TOOLS

    def bound(tool: BaseTool) -> BaseTool:
        async def run(**args: Any) -> Any:
            return await tool.ainvoke({**args, "commerce": commerce})

        return StructuredTool.from_function(
            coroutine=run,
            name=tool.name,
            description=tool.description,
            args_schema=tool.tool_call_schema,  # type: ignore[arg-type]
        )

    return [bound(t) for t in RETAIL_TOOLS]


async def run(*, conversations_n: int = 30, delay: float = 0.25) -> list[Timing]:
    """Time the three agents on the same turns, in this process, one after the other."""
    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
    from langgraph.prebuilt import create_react_agent

    from supportgraph.api.agent import SupportAgent
    from supportgraph.encryption.keyring import load_keyring
    from supportgraph.evals.conversations.services import FreshStoreServices
    from supportgraph.graph.builder import build_graph
    from supportgraph.graph.checkpoint import SealedSqliteSaver, sealed_serde
    from supportgraph.graph.responders.flow import FlowResponder
    from supportgraph.graph.responders.llm import LLMResponder
    from supportgraph.settings import get_settings

    talks = conversations(conversations_n)
    settings = get_settings()
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory(prefix="sg-bench-") as scratch:
        shared = FreshStoreServices.from_settings(settings, responder=FlowResponder())
        serde = sealed_serde(load_keyring(settings))
        agents = {
            "supportgraph, embedded default": FlowResponder(),
            f"supportgraph, LLM path (fake model, {delay * 1000:.0f} ms/call)": LLMResponder(
                LookupModel(delay=delay)
            ),
        }
        try:
            for n, (name, responder) in enumerate(agents.items()):
                shared.shared["responder"] = responder
                services = shared()
                # The product's own checkpointer: SQLite, every checkpoint sealed.
                async with aiosqlite.connect(str(Path(scratch) / f"graph-{n}.db")) as db:
                    saver = SealedSqliteSaver(db, serde=serde)
                    await saver.setup()
                    agent = SupportAgent(build_graph(services, checkpointer=saver))

                    async def turn(thread: str, text: str, agent: SupportAgent = agent) -> Any:
                        config = {"configurable": {"thread_id": thread}}
                        return await agent.turn({"messages": [HumanMessage(text)]}, config)  # type: ignore[arg-type]

                    timings.append(await time_turns(name, turn, talks))
                shared.release(services)
            services = shared()
            async with AsyncSqliteSaver.from_conn_string(str(Path(scratch) / "bare.db")) as plain:
                bare = create_react_agent(
                    LookupModel(delay=delay), bare_tools(services.commerce), checkpointer=plain
                )

                async def bare_turn(thread: str, text: str) -> Any:
                    config: Any = {"configurable": {"thread_id": thread}}
                    return await bare.ainvoke({"messages": [HumanMessage(text)]}, config)

                timings.append(
                    await time_turns(
                        f"bare create_react_agent (same fake model, {delay * 1000:.0f} ms/call)",
                        bare_turn,
                        talks,
                    )
                )
            shared.release(services)
        finally:
            shared.close()
    return timings


def table(timings: list[Timing]) -> str:
    """The timings as a Markdown table."""
    lines = [
        "| agent | turns | p50 ms | p95 ms | p99 ms | CPU-ms/turn |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for t in timings:
        lines.append(
            f"| {t.agent} | {len(t.seconds)} | {t.percentile(50):.0f} | {t.percentile(95):.0f}"
            f" | {t.percentile(99):.0f} | {t.cpu_ms:.1f} |"
        )
    return "\n".join(lines)
