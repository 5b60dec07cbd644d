"""No write is proposed that contradicts the customer's words: 'all but', 'except', 'only', 'not'.

Each message goes through the real NLU and flow responder; the check reads the write held for
confirmation, so a wrong proposal fails here even though nothing would run without a yes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver

from supportgraph.api.agent import SupportAgent
from supportgraph.evals.conversations.services import FreshStoreServices
from supportgraph.graph.builder import build_graph
from supportgraph.graph.responders.flow import FlowResponder

EMAIL = "ava.moore6020@example.com"
ORDER = "#W4817420"
ITEMS = ("Water Bottle", "Bookshelf", "Action Camera", "Electric Kettle", "Hiking Boots")
EXCEPT = (
    "Return all the items in order {o} except the {p}, to the original payment method.",
    "Send back all of it but the {p}, order {o}, refund to the original payment method.",
    "I want to return everything from {o} apart from the {p}. Original payment method please.",
    "Please return every item in {o} other than the {p}, refunded to the original method.",
    "Return all items from {o} to my original payment method; keep the {p}.",
    "Return the whole order {o} excluding the {p}, to the original payment method.",
    "Could you return all the items of {o} besides the {p}? Refund to the original method.",
)
ONLY = (
    "Return just the {p} from order {o}, to the original payment method.",
    "I only want to return the {p} from {o}; the refund goes to the original payment method.",
)


@pytest.fixture(scope="module")
def factory() -> Iterator[FreshStoreServices]:
    services = FreshStoreServices.from_settings(responder=FlowResponder())
    yield services
    services.close()


def held_items(factory: FreshStoreServices, turns: list[str]) -> set[str] | None:
    """Names of the items in the write held after the turns, or None if none is held."""

    async def run() -> set[str] | None:
        services = factory()
        try:
            agent = SupportAgent(build_graph(services, checkpointer=InMemorySaver()))
            config: RunnableConfig = {"configurable": {"thread_id": "exclusions"}}
            result: dict[str, Any] = {}
            for turn in turns:
                result = await agent.turn(
                    {"messages": [{"type": "human", "content": turn}]}, config
                )
            call = (result.get("pending_action") or {}).get("call")
            if not call:
                return None
            order = await services.commerce.get_order(call["args"]["order_id"])
            names = {i["item_id"]: i["name"] for i in order["items"]}
            return {names[i] for i in call["args"]["item_ids"]}
        finally:
            release = getattr(factory, "release", None)
            if release is not None:
                release(services)

    return asyncio.run(run())


@pytest.mark.parametrize("template", EXCEPT)
def test_that_an_excluded_item_is_never_proposed(
    factory: FreshStoreServices, template: str
) -> None:
    product = "Electric Kettle"
    held = held_items(factory, [f"Hi, my email is {EMAIL}.", template.format(o=ORDER, p=product)])
    assert held == set(ITEMS) - {product}


@pytest.mark.parametrize("template", ONLY)
def test_that_only_the_named_item_is_proposed(factory: FreshStoreServices, template: str) -> None:
    held = held_items(
        factory, [f"Hi, my email is {EMAIL}.", template.format(o=ORDER, p="Bookshelf")]
    )
    assert held == {"Bookshelf"}


def test_that_a_change_of_mind_leaves_the_item_out(factory: FreshStoreServices) -> None:
    held = held_items(
        factory,
        [
            f"Hi, my email is {EMAIL}.",
            f"Return the water bottle, the bookshelf and the electric kettle from {ORDER} to the "
            "original payment method.",
            "Actually, leave the bookshelf out of it.",
        ],
    )
    assert held == {"Water Bottle", "Electric Kettle"}
