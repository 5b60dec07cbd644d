"""A customer with 20 orders gets through a flow without a tool-budget handoff."""

from __future__ import annotations

import asyncio
import copy
import json
import shutil
from pathlib import Path
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.memory import InMemorySaver

from supportgraph.api.agent import SupportAgent, last_reply
from supportgraph.commerce.local import InProcessCommerce
from supportgraph.commerce.store import Store
from supportgraph.graph.builder import build_graph
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.services import Services
from supportgraph.settings import SHIPPED_DATA_DIR
from supportgraph.tests.fakes import TEST_KEYRING, EmptyKnowledge, PassGuardrail, ScriptedNLU

USER = "ava_moore_2033"
EMAIL = "ava.moore6020@example.com"
ORDERS = 20


def store_with_many_orders(tmp_path: Path) -> tuple[Store, list[str]]:
    """The shipped store, with the customer's first pending order copied up to 20 orders."""
    shipped = tmp_path / "retail"
    shutil.copytree(SHIPPED_DATA_DIR / "retail", shipped)
    users = json.loads((shipped / "users.json").read_text())
    orders = json.loads((shipped / "orders.json").read_text())
    own = users[USER]["orders"]
    template = next(orders[o] for o in own if orders[o]["status"] == "pending")
    for n in range(ORDERS - len(own)):
        order_id = f"#W99{n:05d}"
        orders[order_id] = {**copy.deepcopy(template), "order_id": order_id}
        own.append(order_id)
    (shipped / "users.json").write_text(json.dumps(users))
    (shipped / "orders.json").write_text(json.dumps(orders))
    store = Store(f"sqlite:///{tmp_path / 'store.db'}", keyring=TEST_KEYRING)
    store.seed_if_empty(tmp_path)
    return store, own


def test_that_twenty_orders_are_read_without_a_handoff(tmp_path: Path) -> None:
    store, own = store_with_many_orders(tmp_path)
    target = own[-1]
    nlu = ScriptedNLU(
        {
            f"My email is {EMAIL}. Which of my orders are still pending? I want to cancel one.": (
                "cancel_order",
                {"email": EMAIL},
            ),
            f"Order {target}, no longer needed.": (
                "cancel_order",
                {"order_ids": [target], "reason": "no longer needed"},
            ),
            "yes": ("affirm", {}),
        }
    )
    services = Services(
        commerce=InProcessCommerce(store),
        knowledge=EmptyKnowledge(),
        nlu=nlu,
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    agent = SupportAgent(build_graph(services, checkpointer=InMemorySaver()))
    config: RunnableConfig = {"configurable": {"thread_id": "many"}}

    async def turn(text: str) -> dict[str, Any]:
        return await agent.turn({"messages": [{"type": "human", "content": text}]}, config)

    async def run() -> None:
        first = await turn(
            f"My email is {EMAIL}. Which of my orders are still pending? I want to cancel one."
        )
        assert not first.get("escalation")
        reply = last_reply(first["messages"])
        assert "Which order" in reply and target in reply
        second = await turn(f"Order {target}, no longer needed.")
        assert second.get("pending_action") and not second.get("escalation")
        done = await turn("yes")
        assert not done.get("escalation")
        assert "now cancelled" in last_reply(done["messages"])
        assert (await services.commerce.get_order(target))["status"] == "cancelled"

    try:
        asyncio.run(run())
    finally:
        store.dispose()
