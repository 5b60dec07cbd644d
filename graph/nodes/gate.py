"""The gate node: applies the policy gate to the responder's tool calls."""

from __future__ import annotations

import logging
from typing import Any

from langchain_core.messages import AIMessage, ToolMessage

from supportgraph.graph.policy import decide
from supportgraph.graph.state import State
from supportgraph.prompts.confirm import ONE_AT_A_TIME, QUESTION, WAITING, describe_action

logger = logging.getLogger(__name__)


def last_tool_calls(state: State) -> list[dict[str, Any]]:
    """Tool calls of the latest message, if it is the agent's."""
    last = state.messages[-1] if state.messages else None
    return [dict(call) for call in last.tool_calls] if isinstance(last, AIMessage) else []


async def gate_tool_calls(state: State, *, services: Any) -> dict[str, Any]:
    """Let allowed calls through, deny the rest, and hold a write for confirmation.

    Every call gets exactly one outcome, so the message history stays valid for any model:
    denied and held calls are answered with a ToolMessage here, allowed ones by the tools node.
    """
    calls = last_tool_calls(state)
    decisions = [(call, decide(call, state.customer)) for call in calls]
    writes = [call for call, d in decisions if d.verdict == "confirm"]
    ready: list[dict[str, Any]] = []
    messages: list[Any] = []
    for call, decision in decisions:
        verdict, reason = decision.verdict, decision.reason
        if writes and call is not writes[0]:
            # A write must be confirmed on its own: anything beside it waits for the next turn.
            verdict, reason = "deny", ONE_AT_A_TIME
        if verdict == "allow":
            ready.append(call)
        elif verdict == "deny":
            logger.info("gate denied %s: %s", call["name"], reason)
            messages.append(_tool_reply(call, reason, status="error"))
    if not writes:
        return {"ready_calls": ready, "messages": messages}
    write = writes[0]
    summary = await _summarise(write, state, services)
    messages += [
        _tool_reply(write, WAITING.format(summary=summary)),
        AIMessage(content=QUESTION.format(summary=summary), response_metadata={"confirm": True}),
    ]
    pending = {"call": {k: write[k] for k in ("name", "args", "id")}, "summary": summary}
    return {"ready_calls": [], "messages": messages, "pending_action": pending}


def _tool_reply(call: dict[str, Any], content: str, *, status: str = "success") -> ToolMessage:
    return ToolMessage(content=content, tool_call_id=call["id"], name=call["name"], status=status)


async def _summarise(call: dict[str, Any], state: State, services: Any) -> str:
    """Describe the write with the order and customer it touches, read fresh from the store."""
    order_id = (call.get("args") or {}).get("order_id")
    order = await services.commerce.get_order(order_id) if order_id else None
    user = await services.commerce.get_user(state.customer["user_id"]) if state.customer else None
    return describe_action(call, order, user)
