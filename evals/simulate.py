"""Simulated-user conversations, as in τ-bench: a chat model plays the customer of a task.

The customer model gets the task's instruction and its own rules, and sees only the agent's
text replies. Each line it writes goes to the agent as a customer turn; when the agent waits
for a confirmation, that line is the answer. The conversation ends when the customer writes
`###STOP###`, the agent hands over to a human, or `max_turns` lines were sent. It is scored
like a scripted conversation: the store hash against the task's, and the `must_say` strings.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver

from supportgraph.api.agent import SupportAgent
from supportgraph.commerce.local import InProcessCommerce
from supportgraph.evals.conversations.report import ConversationResult
from supportgraph.evals.conversations.runner import (
    TOOL_TEXT,
    ServicesFactory,
    TurnMark,
    said,
    transcript,
)
from supportgraph.evals.conversations.tasks import load_tasks
from supportgraph.evals.usage import usage_of
from supportgraph.graph.builder import build_graph
from supportgraph.settings import Settings

logger = logging.getLogger(__name__)

STOP = "###STOP###"
GREETING = "Hi! How can I help you today?"
"""The agent's opening line, shown to the customer model before its first line."""

USER_SYSTEM = """You are a customer chatting with the support agent of an online store. \
Play the customer described below.

<instruction>
{instruction}
</instruction>

Rules:
- Write one line at a time: the customer's next message, nothing else.
- Do not give the whole instruction at once. Give only what the current step needs, and \
answer what the agent asks.
- Do not invent information the instruction does not give. If the agent asks for something \
you do not have (an order id, say), say that you do not remember or do not have it.
- Answer the agent's questions, including when it asks you to confirm a change with yes or \
no, as the customer in the instruction would.
- Put the instruction in your own words rather than repeating it.
- When the task is done, or cannot go on, write {stop} alone as your message.
- Stay natural and keep to the personality the instruction gives you."""


class CustomerModel(Protocol):
    """What plays the customer: a chat model, or `voice.InstructionCustomer`."""

    async def ainvoke(self, input: list[BaseMessage], /) -> BaseMessage:  # noqa: A002
        """The customer's next line, given the conversation so far (agent lines as human)."""
        ...


@dataclass
class SimulatedResult(ConversationResult):
    """How one simulated conversation went; `turns` counts customer lines sent to the agent."""

    ended: str = ""
    """Why it ended: `stop`, `escalated`, `max_turns`, `silent` (an empty line) or `error`."""
    customer_lines: list[str] = field(default_factory=list)
    """What the customer model wrote, `###STOP###` included."""
    agent_usage: dict[str, int] = field(default_factory=dict)
    """Tokens of the agent's model calls (see `evals/usage.py`)."""
    user_usage: dict[str, int] = field(default_factory=dict)
    """Tokens of the customer model's calls."""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    """Full tool results and retrieved knowledge passages: what replies may rest on."""


@lru_cache(maxsize=1)
def _instructions() -> dict[str, str]:
    return {task.task_id: task.instruction for task in load_tasks()}


def instruction_for(example: dict[str, Any]) -> str | None:
    """The customer's instruction: `inputs.instruction`, else the τ-bench task of `task_id`.

    Args:
        example: A LangSmith example from `conversations.jsonl`.

    Returns:
        The instruction, or None for examples with no task behind them (the refusals).
    """
    inputs = example["inputs"]
    return inputs.get("instruction") or _instructions().get(inputs.get("task_id", ""))


def chat_model(
    spec: str, *, base_url: str = "", api_key: str = "", temperature: float | None = None
) -> BaseChatModel:
    """A chat model from a `provider:name` spec, like `SUPPORTGRAPH_MODEL`.

    `openai:name` or a bare name is served by `ChatOpenAI` from any OpenAI-compatible base URL
    (`base_url`, else `OPENAI_BASE_URL`); another provider goes through `init_chat_model`.

    Args:
        spec: E.g. `openai:gpt-4o-mini`, or `openai:llama3:8b` on a local server.
        base_url: Overrides the provider's default URL when set.
        api_key: Overrides the provider's key from the environment when set.
        temperature: Sampling temperature; the provider's default when None.
    """
    options: dict[str, Any] = {"base_url": base_url, "api_key": api_key}
    options = {k: v for k, v in options.items() if v}
    if temperature is not None:
        options["temperature"] = temperature
    provider, sep, _ = spec.partition(":")
    if sep and provider != "openai":
        from langchain.chat_models import init_chat_model

        return init_chat_model(spec, **options)
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=spec.removeprefix("openai:"), **options)


def build_user_model(settings: Settings) -> BaseChatModel | None:
    """The customer model: `SUPPORTGRAPH_USER_MODEL`, else the agent's model, else None.

    Its base URL and key are the agent's (`OPENAI_BASE_URL`, `OPENAI_API_KEY`). It samples at
    the provider's default temperature, so repeated trials of a task differ, as pass^k needs.

    Args:
        settings: Deployment settings.
    """
    spec = settings.user_model or settings.model
    return chat_model(spec) if spec else None


async def simulate_conversation(
    example: dict[str, Any],
    services_factory: ServicesFactory,
    user_model: CustomerModel | BaseChatModel,
    *,
    max_turns: int = 30,
    tool_text: int | None = TOOL_TEXT,
) -> SimulatedResult:
    """Let the customer model talk to the agent until it stops, then score the store.

    Args:
        example: A LangSmith example from `conversations.jsonl` whose task has an instruction.
        services_factory: Builds the services for this conversation (a fresh store).
        user_model: The chat model playing the customer.
        max_turns: Most customer lines sent to the agent.
        tool_text: Characters of each tool result kept in the transcript; None keeps all.
            `evidence` always keeps them whole.

    Raises:
        ValueError: The example has no instruction (see `instruction_for`).
    """
    instruction = instruction_for(example)
    if not instruction:
        raise ValueError(f"no instruction for {example['inputs'].get('task_id')}")
    services = services_factory()
    agent = SupportAgent(build_graph(services, checkpointer=InMemorySaver()))
    talk = _Talk(agent, example["inputs"]["task_id"], user_model, instruction)
    try:
        await talk.run(max_turns)
    except Exception as exc:  # noqa: BLE001 - one broken conversation must not stop a suite.
        logger.exception("simulated conversation %s failed", talk.thread_id)
        talk.ended, talk.error = "error", f"{type(exc).__name__}: {exc}"
        talk.messages = (await agent.graph.aget_state(talk.config)).values.get(
            "messages", talk.messages
        )
    # The factory gives every conversation its own in-process store, whose hash is the score.
    commerce = cast(InProcessCommerce, services.commerce)
    store_hash = await asyncio.to_thread(commerce.store.state_hash)
    release = getattr(services_factory, "release", None)
    if release is not None:
        release(services)
    return talk.result(example, store_hash, tool_text)


class _Talk:
    """One simulated conversation in progress: both sides' messages and how it ended."""

    def __init__(
        self,
        agent: SupportAgent,
        thread_id: str,
        user_model: CustomerModel | BaseChatModel,
        instruction: str,
    ) -> None:
        self.agent, self.thread_id, self.user_model = agent, thread_id, user_model
        self.config: RunnableConfig = {"configurable": {"thread_id": thread_id}}
        system = USER_SYSTEM.format(instruction=instruction, stop=STOP)
        # Roles are swapped for the customer model: the agent speaks as the human.
        self.history: list[BaseMessage] = [SystemMessage(system), HumanMessage(GREETING)]
        self.user_replies: list[AIMessage] = []
        self.messages: list[AnyMessage] = []
        self.passages: dict[str, dict[str, Any]] = {}
        self.latency: list[float] = []
        self.marks: list[TurnMark] = []
        self.pending: dict[str, Any] | None = None
        self.escalated, self.ended, self.error = False, "max_turns", ""

    async def run(self, max_turns: int) -> None:
        """Alternate customer lines and agent turns until one side ends it."""
        while len(self.latency) < max_turns:
            line = await self._customer_line()
            if STOP in line or not line:
                self.ended = "stop" if STOP in line else "silent"
                return
            replies = await self._agent_turn(line)
            self.history.append(HumanMessage(replies))
            if self.escalated:
                self.ended = "escalated"
                return

    async def _customer_line(self) -> str:
        reply = await self.user_model.ainvoke(self.history)
        message = reply if isinstance(reply, AIMessage) else AIMessage(content=str(reply.content))
        self.user_replies.append(message)
        line = message.text.strip()
        self.history.append(AIMessage(line))
        return line

    async def _agent_turn(self, line: str) -> str:
        seen = len(self.messages)
        held = (self.pending or {}).get("call")
        answers = {"name": held["name"], "args": dict(held.get("args") or {})} if held else None
        self.marks.append(TurnMark(seen, answers))
        start = time.perf_counter()
        result = await self.agent.turn(
            {"messages": [{"type": "human", "content": line}]}, self.config
        )
        self.latency.append(time.perf_counter() - start)
        self.messages = result["messages"]
        self.escalated = bool(result.get("escalation"))
        self.pending = result.get("pending_action")
        state = await self.agent.graph.aget_state(self.config)
        for passage in state.values.get("retrieved") or []:
            self.passages[passage["id"]] = passage
        new = self.messages[seen:]
        texts = [str(m.content) for m in new if isinstance(m, AIMessage) and m.content]
        return "\n".join(texts)

    def result(
        self, example: dict[str, Any], store_hash: str, tool_text: int | None
    ) -> SimulatedResult:
        """Score the conversation against the example's expected store and phrases."""
        outputs = example["outputs"]
        hash_ok = store_hash == outputs.get("store_hash")
        said_ok = said(outputs.get("must_say") or [], self.messages)
        return SimulatedResult(
            task_id=self.thread_id,
            success=hash_ok and said_ok and not self.error,
            hash_ok=hash_ok,
            said_ok=said_ok,
            turns=len(self.latency),
            transcript=transcript(self.messages, self.marks, tool_text=tool_text),
            escalated=self.escalated,
            latency=[round(t, 4) for t in self.latency],
            flows=list(example.get("metadata", {}).get("flows", [])),
            error=self.error,
            store_hash=store_hash,
            ended=self.ended,
            customer_lines=[str(m.text) for m in self.user_replies],
            agent_usage=usage_of(self.messages).to_dict(),
            user_usage=usage_of(self.user_replies).to_dict(),
            evidence=self._evidence(),
        )

    def _evidence(self) -> list[dict[str, Any]]:
        tools = [
            {"kind": "tool", "name": m.name, "text": str(m.content)}
            for m in self.messages
            if isinstance(m, ToolMessage)
        ]
        kb = [
            {"kind": "kb", "id": p["id"], "title": p.get("title", ""), "text": p.get("text", "")}
            for p in self.passages.values()
        ]
        return tools + kb
