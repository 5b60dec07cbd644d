"""The responder port: the one step that differs between the embedded default and an LLM."""

from __future__ import annotations

from typing import Any, Protocol

from supportgraph.graph.state import State


class Responder(Protocol):
    """Turns the thread state into the agent's next message.

    The message is either text for the customer or tool calls; everything after it (the
    policy gate, confirmation, tools, escalation) is shared by every responder.
    """

    name: str

    async def respond(self, state: State) -> dict[str, Any]:
        """Return a partial state update holding `messages: [AIMessage]` and any memory."""
        ...
