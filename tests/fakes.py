"""Test doubles: a scripted tool-calling chat model and small in-memory adapters."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from supportgraph.encryption.keyring import KeyRing, format_key

TEST_KEYRING = KeyRing.generate("test-key")
"""The keys of engines a test builds over a bare database URL."""

TEST_KEYS_ENV = format_key("test-key", TEST_KEYRING.keys["test-key"])
"""`SUPPORTGRAPH_ENCRYPTION_KEYS` for processes a test starts that share its database."""

Script = Callable[[list[BaseMessage]], AIMessage]


def tool_call(name: str, **args: Any) -> AIMessage:
    """An AI message calling one tool."""
    return AIMessage(
        content="", tool_calls=[{"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:12]}"}]
    )


class ScriptedChatModel(BaseChatModel):
    """Replies from a script, one entry per model call, and records what it was shown.

    An entry is an AIMessage, or a function of the messages the model sees (so a script can
    react to tool results). Unlike `GenericFakeChatModel`, it supports `bind_tools`.
    """

    script: list[AIMessage | Script]
    calls: list[list[BaseMessage]] = []
    bound_tools: list[Any] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:
        """Record the tools and return self: the script decides the calls."""
        self.bound_tools = list(tools)
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls.append(list(messages))
        if not self.script:
            raise AssertionError("the scripted model was called more often than scripted")
        entry = self.script.pop(0)
        message = entry(list(messages)) if callable(entry) else entry
        return ChatResult(generations=[ChatGeneration(message=message)])


class ReactiveChatModel(ScriptedChatModel):
    """A `ScriptedChatModel` whose entries may be functions of the messages it is shown.

    The parent validates each entry as an AIMessage, and pydantic turns a function away there;
    this field keeps entries as given, so a script can answer what the other side just said.
    """

    script: list[Any]


class StaticNLU:
    """An understander that reads nothing: for tests of the LLM path, where intents don't steer."""

    def understand(self, text: str) -> Any:
        """Return a neutral reading."""
        from supportgraph.nlu.schema import Understanding

        return Understanding(intent="out_of_scope", confidence=0.0, entities={}, sentiment=0.0)

    def requests(self, text: str) -> list[Any]:
        """One request per message."""
        return []


class EmptyKnowledge:
    """A knowledge base with nothing in it."""

    async def search(self, query: str, k: int = 4) -> list[Any]:
        """Find nothing."""
        return []


class PassGuardrail:
    """A guardrail that never fires."""

    name = "pass"

    async def check(self, text: str, context: dict[str, Any]) -> Any:
        """Let everything through."""
        from types import SimpleNamespace

        return SimpleNamespace(flagged=False, reason="", tags=())


class ScriptedNLU:
    """An understander that returns prepared readings for known messages."""

    def __init__(self, readings: dict[str, tuple[Any, ...]]) -> None:
        """Map message text to (intent, entities) or (intent, entities, sentiment)."""
        self.readings = readings

    def understand(self, text: str) -> Any:
        """Return the prepared reading, or out_of_scope."""
        from supportgraph.nlu.schema import Understanding

        intent, entities, *rest = self.readings.get(text, ("out_of_scope", {}))
        sentiment = rest[0] if rest else 0.0
        return Understanding(intent=intent, confidence=0.99, entities=entities, sentiment=sentiment)

    def requests(self, text: str) -> list[Any]:
        """One request per message."""
        return []
