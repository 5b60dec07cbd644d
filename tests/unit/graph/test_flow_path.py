"""The flow responder on the graph: slot filling, verification, confirmation and reports."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver

from supportgraph.api.agent import SupportAgent, last_reply
from supportgraph.graph.builder import build_graph
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.services import Services
from supportgraph.tests.fakes import EmptyKnowledge, PassGuardrail, ScriptedNLU

USER = "yusuf_rossi_9620"
EMAIL = "yusuf.rossi7301@example.com"


def agent_for(commerce: Any, readings: dict[str, tuple[str, dict[str, Any]]]) -> SupportAgent:
    services = Services(
        commerce=commerce,
        knowledge=EmptyKnowledge(),
        nlu=ScriptedNLU(readings),
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    return SupportAgent(build_graph(services, checkpointer=InMemorySaver()))


async def say(agent: SupportAgent, text: str, thread: str = "t") -> str:
    result = await agent.turn(
        {"messages": [{"type": "human", "content": text}]}, {"configurable": {"thread_id": thread}}
    )
    return last_reply(result["messages"])


async def orders_by_status(commerce: Any, user_id: str, status: str) -> list[dict[str, Any]]:
    user = await commerce.get_user(user_id)
    orders = [await commerce.get_order(o) for o in user["orders"]]
    return [o for o in orders if o["status"] == status]


@pytest.mark.asyncio
async def test_that_a_cancellation_is_collected_confirmed_and_reported(commerce: Any) -> None:
    order = (await orders_by_status(commerce, USER, "pending"))[0]
    agent = agent_for(
        commerce,
        {
            "I want to cancel an order": ("cancel_order", {}),
            "it's " + EMAIL: ("identify", {"email": EMAIL}),
            "order " + order["order_id"]: ("cancel_order", {"order_ids": [order["order_id"]]}),
            "I no longer need it": ("cancel_order", {"reason": "no longer needed"}),
            "yes": ("affirm", {}),
        },
    )
    assert "verify your identity" in await say(agent, "I want to cancel an order")
    reply = await say(agent, "it's " + EMAIL)
    assert "Which order" in reply and order["order_id"] in reply
    assert "reason" in await say(agent, "order " + order["order_id"])
    question = await say(agent, "I no longer need it")
    assert f"cancel order {order['order_id']}" in question and "yes or no" in question
    assert (await commerce.get_order(order["order_id"]))["status"] == "pending"
    report = await say(agent, "yes")
    assert "cancelled" in report
    assert (await commerce.get_order(order["order_id"]))["status"] == "cancelled"


@pytest.mark.asyncio
async def test_that_a_declined_cancellation_changes_nothing(commerce: Any) -> None:
    order = (await orders_by_status(commerce, USER, "pending"))[0]
    text = f"cancel {order['order_id']}, ordered by mistake, {EMAIL}"
    agent = agent_for(
        commerce,
        {
            text: (
                "cancel_order",
                {"order_ids": [order["order_id"]], "reason": "ordered by mistake", "email": EMAIL},
            ),
            "no": ("deny", {}),
        },
    )
    assert "yes or no" in await say(agent, text)
    reply = await say(agent, "no")
    assert "haven't changed anything" in reply
    assert (await commerce.get_order(order["order_id"]))["status"] == "pending"


@pytest.mark.asyncio
async def test_that_another_customers_order_is_refused_without_data(commerce: Any) -> None:
    other = await commerce.get_user("noah_brown_6181")
    other_order = await commerce.get_order(other["orders"][0])
    text = f"what's the status of {other_order['order_id']}? I'm {EMAIL}"
    agent = agent_for(
        commerce,
        {text: ("order_status", {"order_ids": [other_order["order_id"]], "email": EMAIL})},
    )
    reply = await say(agent, text)
    assert "can't find order" in reply
    for item in other_order["items"]:
        assert item["name"] not in reply
    assert other_order["status"] not in reply.split("Your orders")[0]


@pytest.mark.asyncio
async def test_that_order_status_cites_the_order_record(commerce: Any) -> None:
    order = (await orders_by_status(commerce, USER, "delivered"))[0]
    text = f"where is {order['order_id']}? {EMAIL}"
    agent = agent_for(
        commerce, {text: ("order_status", {"order_ids": [order["order_id"]], "email": EMAIL})}
    )
    result = await agent.turn(
        {"messages": [{"type": "human", "content": text}]}, {"configurable": {"thread_id": "s"}}
    )
    reply = result["messages"][-1]
    assert isinstance(reply, AIMessage)
    assert "delivered" in reply.content
    assert {"source": "tool", "tool": "get_order_details", "ref": order["order_id"]} in (
        reply.response_metadata["citations"]
    )


@pytest.mark.asyncio
async def test_that_an_exchange_picks_the_variant_with_the_requested_option(commerce: Any) -> None:
    order = (await orders_by_status(commerce, USER, "delivered"))[0]
    item = order["items"][0]
    product = await commerce.get_product(item["product_id"])
    # Pick an available variant differing from the item in exactly one option.
    target = next(
        v
        for v in product["variants"].values()
        if v["available"]
        and sum(v["options"][k] != item["options"][k] for k in item["options"]) == 1
    )
    changed = next(v for k, v in target["options"].items() if v != item["options"][k])
    method = next(iter((await commerce.get_user(USER))["payment_methods"]))
    text = f"exchange the {item['name']} in {order['order_id']} for {changed}, {EMAIL}"
    agent = agent_for(
        commerce,
        {
            text: (
                "exchange_items",
                {
                    "order_ids": [order["order_id"]],
                    "product_types": [item["name"]],
                    "option_values": [changed],
                    "email": EMAIL,
                    "payment_method_id": method,
                },
            ),
            "yes": ("affirm", {}),
        },
    )
    question = await say(agent, text)
    assert target["item_id"] in question
    await say(agent, "yes")
    updated = await commerce.get_order(order["order_id"])
    assert updated["status"] == "exchange requested"
    assert updated["exchange_new_items"] == [target["item_id"]]
