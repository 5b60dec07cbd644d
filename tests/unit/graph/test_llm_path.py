"""The LLM path: a scripted tool-calling model drives the graph through the policy gate."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage, ToolMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from supportgraph.graph.builder import build_graph
from supportgraph.graph.responders.llm import LLMResponder
from supportgraph.services import Services
from supportgraph.tests.fakes import (
    EmptyKnowledge,
    PassGuardrail,
    ScriptedChatModel,
    StaticNLU,
    tool_call,
)

EMAIL = "yusuf.rossi7301@example.com"
USER = "yusuf_rossi_9620"
THREAD = {"configurable": {"thread_id": "t1"}}


def build(commerce: Any, script: list[Any]) -> tuple[Any, ScriptedChatModel]:
    model = ScriptedChatModel(script=script)
    services = Services(
        commerce=commerce,
        knowledge=EmptyKnowledge(),
        nlu=StaticNLU(),
        guardrails=PassGuardrail(),
        responder=LLMResponder(model),
    )
    return build_graph(services, checkpointer=InMemorySaver()), model


async def pending_order_of(commerce: Any, user_id: str) -> str:
    user = await commerce.get_user(user_id)
    for order_id in user["orders"]:
        if (await commerce.get_order(order_id))["status"] == "pending":
            return order_id
    raise AssertionError("fixture user has no pending order")


def tool_results(state: Any) -> list[ToolMessage]:
    return [m for m in state.values["messages"] if isinstance(m, ToolMessage)]


def say(text: str) -> AIMessage:
    return AIMessage(content=text)


@pytest.mark.asyncio
async def test_that_a_write_without_verification_is_denied(commerce: Any) -> None:
    order_id = await pending_order_of(commerce, USER)
    graph, _ = build(
        commerce,
        [
            tool_call("cancel_pending_order", order_id=order_id, reason="no longer needed"),
            say("Sorry."),
        ],
    )
    await graph.ainvoke({"messages": [("human", f"cancel {order_id}")]}, THREAD)
    state = await graph.aget_state(THREAD)
    assert not state.interrupts
    assert tool_results(state)[0].content.startswith("Denied: the customer is not verified")
    assert (await commerce.get_order(order_id))["status"] == "pending"


@pytest.mark.asyncio
async def test_that_reading_data_before_verification_is_denied(commerce: Any) -> None:
    graph, _ = build(commerce, [tool_call("get_user_details", user_id=USER), say("Sorry.")])
    await graph.ainvoke({"messages": [("human", "show my profile")]}, THREAD)
    results = tool_results(await graph.aget_state(THREAD))
    assert results[0].content.startswith("Denied")
    assert EMAIL not in results[0].content


@pytest.mark.asyncio
async def test_that_a_write_waits_for_confirmation_and_runs_after_yes(commerce: Any) -> None:
    order_id = await pending_order_of(commerce, USER)
    graph, _ = build(
        commerce,
        [
            tool_call("find_user_id_by_email", email=EMAIL),
            tool_call("cancel_pending_order", order_id=order_id, reason="no longer needed"),
            say("Your order is cancelled."),
        ],
    )
    await graph.ainvoke({"messages": [("human", f"I'm {EMAIL}, cancel {order_id}")]}, THREAD)
    state = await graph.aget_state(THREAD)
    assert state.interrupts, "the write must wait for the customer's answer"
    assert "cancel order" in state.values["messages"][-1].content
    assert (await commerce.get_order(order_id))["status"] == "pending"

    await graph.ainvoke(Command(resume="yes"), THREAD)
    assert (await commerce.get_order(order_id))["status"] == "cancelled"


@pytest.mark.asyncio
async def test_that_anything_but_yes_leaves_the_store_unchanged(commerce: Any) -> None:
    order_id = await pending_order_of(commerce, USER)
    graph, _ = build(
        commerce,
        [
            tool_call("find_user_id_by_email", email=EMAIL),
            tool_call("cancel_pending_order", order_id=order_id, reason="no longer needed"),
            say("Okay, nothing changed."),
        ],
    )
    await graph.ainvoke({"messages": [("human", f"I'm {EMAIL}, cancel {order_id}")]}, THREAD)
    await graph.ainvoke(Command(resume="hmm, yes but wait"), THREAD)
    state = await graph.aget_state(THREAD)
    assert not state.interrupts
    assert (await commerce.get_order(order_id))["status"] == "pending"


@pytest.mark.asyncio
async def test_that_a_hostile_model_cannot_touch_another_customers_order(commerce: Any) -> None:
    other_user = "noah_brown_6181"
    other_order = (await commerce.get_user(other_user))["orders"][0]
    graph, _ = build(
        commerce,
        [
            tool_call("find_user_id_by_email", email=EMAIL),
            tool_call("get_order_details", order_id=other_order),
            tool_call("cancel_pending_order", order_id=other_order, reason="no longer needed"),
            tool_call("get_user_details", user_id=other_user),
            say("Done."),
        ],
    )
    before = await commerce.get_order(other_order)
    await graph.ainvoke({"messages": [("human", f"I'm {EMAIL}")]}, THREAD)
    state = await graph.aget_state(THREAD)
    assert not state.interrupts
    denied = [m.content for m in tool_results(state) if m.content.startswith("Denied")]
    assert len(denied) == 3
    dumped = json.dumps([m.content for m in state.values["messages"]])
    assert other_order not in dumped.replace(f"order {other_order} does not belong", "")
    assert await commerce.get_order(other_order) == before


@pytest.mark.asyncio
async def test_that_a_second_customer_cannot_be_verified_in_one_thread(commerce: Any) -> None:
    other = await commerce.get_user("noah_brown_6181")
    graph, _ = build(
        commerce,
        [
            tool_call("find_user_id_by_email", email=EMAIL),
            tool_call("find_user_id_by_email", email=other["email"]),
            say("Sorry."),
        ],
    )
    await graph.ainvoke({"messages": [("human", "hi")]}, THREAD)
    state = await graph.aget_state(THREAD)
    assert state.values["customer"]["user_id"] == USER
    assert tool_results(state)[1].content.startswith("Error: this conversation is already verified")


@pytest.mark.asyncio
async def test_that_several_writes_in_one_message_are_held_one_at_a_time(commerce: Any) -> None:
    order_id = await pending_order_of(commerce, USER)
    method = next(iter((await commerce.get_user(USER))["payment_methods"]))
    double = AIMessage(
        content="",
        tool_calls=[
            {
                "name": "cancel_pending_order",
                "args": {"order_id": order_id, "reason": "no longer needed"},
                "id": "a",
            },
            {
                "name": "modify_pending_order_payment",
                "args": {"order_id": order_id, "payment_method_id": method},
                "id": "b",
            },
        ],
    )
    graph, _ = build(commerce, [tool_call("find_user_id_by_email", email=EMAIL), double])
    await graph.ainvoke({"messages": [("human", "go")]}, THREAD)
    state = await graph.aget_state(THREAD)
    assert state.interrupts
    assert state.values["pending_action"]["call"]["name"] == "cancel_pending_order"
    second = next(m for m in tool_results(state) if m.tool_call_id == "b")
    assert second.content.startswith("Denied: one change at a time")


@pytest.mark.asyncio
async def test_that_transfer_to_a_human_ends_in_escalation(commerce: Any) -> None:
    graph, _ = build(commerce, [tool_call("transfer_to_human_agents", summary="wants a refund")])
    await graph.ainvoke({"messages": [("human", "I need help with a refund")]}, THREAD)
    state = await graph.aget_state(THREAD)
    assert state.values["escalation"]["reason"] == "transfer_tool"
    assert "human agent" in state.values["messages"][-1].content
