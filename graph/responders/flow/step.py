"""A flow step: tool calls, a message for the customer, or both.

Several read calls go out in one step, so looking up N orders costs one tool round. A step
that continues the customer's next request after a write carries the write's outcome as its
text and the next request's calls.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage


@dataclass
class Step:
    """What the flow does next."""

    text: str = ""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """(tool name, arguments) of each call, run in one tool round."""
    cites: list[dict[str, Any]] = field(default_factory=list)
    asked: str | None = None
    """The slot the message asks for, so a bare answer can be read next turn."""

    def message(self) -> AIMessage:
        """The step as the agent's message."""
        metadata: dict[str, Any] = {"responder": "flow"}
        if self.cites:
            metadata["citations"] = self.cites
        calls = [
            {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:24]}"}
            for name, args in self.calls
        ]
        return AIMessage(content=self.text, tool_calls=calls, response_metadata=metadata)


def call(tool: str, **args: Any) -> Step:
    """A tool-call step."""
    return Step(calls=[(tool, args)])


def reads(tool: str, key: str, values: list[str]) -> Step:
    """One step that reads several records with the same tool.

    `reads("get_order_details", "order_id", ids)` looks up every order in one tool round.
    """
    return Step(calls=[(tool, {key: value}) for value in values])


def say(text: str, *, cites: list[dict[str, Any]] | None = None, asked: str | None = None) -> Step:
    """A message step."""
    return Step(text=text, cites=cites or [], asked=asked)


# Citations say `source`, never `type`: LangServe's client decodes any dict whose `type` names a
# message kind ("tool", "ai"...) as that message.


def cite_order(order_id: str) -> dict[str, Any]:
    """A citation of an order record."""
    return {"source": "tool", "tool": "get_order_details", "ref": order_id}


def cite_user(user_id: str) -> dict[str, Any]:
    """A citation of a user record."""
    return {"source": "tool", "tool": "get_user_details", "ref": user_id}


def cite_product(product_id: str) -> dict[str, Any]:
    """A citation of a product record."""
    return {"source": "tool", "tool": "get_product_details", "ref": product_id}
