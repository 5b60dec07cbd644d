"""A flow step: either one tool call or one message for the customer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage


@dataclass
class Step:
    """What the flow does next."""

    text: str = ""
    tool: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    cites: list[dict[str, Any]] = field(default_factory=list)
    asked: str | None = None
    """The slot the message asks for, so a bare answer can be read next turn."""

    def message(self) -> AIMessage:
        """The step as the agent's message."""
        metadata: dict[str, Any] = {"responder": "flow"}
        if self.cites:
            metadata["citations"] = self.cites
        if self.tool:
            call = {"name": self.tool, "args": self.args, "id": f"call_{uuid.uuid4().hex[:24]}"}
            return AIMessage(content="", tool_calls=[call], response_metadata=metadata)
        return AIMessage(content=self.text, response_metadata=metadata)


def call(tool: str, **args: Any) -> Step:
    """A tool-call step."""
    return Step(tool=tool, args=args)


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
