"""The confirm node: waits for the customer's answer to a write's confirmation question."""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import interrupt

from supportgraph.graph.confirmation import names_something_else, read_confirmation
from supportgraph.graph.state import State


async def await_confirmation(state: State) -> dict[str, Any]:
    """Pause the thread until the customer answers; only an explicit yes runs the write.

    The answer arrives as the resume value: the customer's next message on the thread. Any
    answer other than yes clears the pending write and is handled as a new customer turn.
    """
    pending = state.pending_action or {}
    answer = interrupt(
        {"type": "confirmation", "question": pending.get("summary", ""), "action": pending}
    )
    text = _answer_text(answer)
    # The answer is a customer turn: the tool-round budget starts again.
    update: dict[str, Any] = {
        "messages": [HumanMessage(content=text)],
        "pending_action": None,
        "tool_rounds": 0,
    }
    held = pending.get("call", {})
    if read_confirmation(text) is not True or names_something_else(text, held):
        update["declined"] = held.get("name")
        return update
    # The confirmed call is replayed under a fresh id: the held one was already answered.
    call = {**pending["call"], "id": f"call_{uuid.uuid4().hex[:24]}"}
    update["messages"].append(AIMessage(content="", tool_calls=[call]))
    update["ready_calls"] = [call]
    return update


def _answer_text(answer: Any) -> str:
    """Accept a plain string, a message dict or a `{"text": ...}` resume value."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, dict):
        return str(answer.get("content") or answer.get("text") or "")
    return str(getattr(answer, "content", answer) or "")
