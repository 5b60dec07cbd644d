"""Checkpointed memory survives a restart, on SQLite by default and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from supportgraph.api.agent import SupportAgent, last_reply
from supportgraph.graph.builder import build_graph
from supportgraph.graph.checkpoint import open_checkpointer
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.services import Services
from supportgraph.settings import Settings
from supportgraph.tests.fakes import EmptyKnowledge, PassGuardrail, ScriptedNLU

EMAIL = "yusuf.rossi7301@example.com"
POSTGRES_URL = os.environ.get(
    "SUPPORTGRAPH_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def postgres_or_skip() -> str:
    try:
        with psycopg.connect(POSTGRES_URL, connect_timeout=3):
            return POSTGRES_URL
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {error}")


async def a_pending_order(commerce: Any) -> str:
    for order_id in (await commerce.get_user("yusuf_rossi_9620"))["orders"]:
        if (await commerce.get_order(order_id))["status"] == "pending":
            return order_id
    raise AssertionError("no pending order")


async def confirm_across_restart(settings: Settings, commerce: Any) -> None:
    """Ask for a cancellation, 'restart' (new graph, new checkpointer), then answer yes."""
    order_id = await a_pending_order(commerce)
    ask = f"cancel {order_id} ordered by mistake {EMAIL}"
    nlu = ScriptedNLU(
        {
            ask: (
                "cancel_order",
                {"order_ids": [order_id], "reason": "ordered by mistake", "email": EMAIL},
            ),
            "yes": ("affirm", {}),
        }
    )
    services = Services(
        commerce=commerce,
        knowledge=EmptyKnowledge(),
        nlu=nlu,
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    thread = {"configurable": {"thread_id": f"restart-{uuid.uuid4().hex}"}}
    message = {"messages": [{"type": "human", "content": ask}]}
    async with open_checkpointer(settings) as saver:
        first = await SupportAgent(build_graph(services, checkpointer=saver)).turn(message, thread)
    assert "yes or no" in last_reply(first["messages"])
    async with open_checkpointer(settings) as saver:
        agent = SupportAgent(build_graph(services, checkpointer=saver))
        second = await agent.turn({"messages": [{"type": "human", "content": "yes"}]}, thread)
    assert "cancelled" in last_reply(second["messages"])
    assert (await commerce.get_order(order_id))["status"] == "cancelled"


@pytest.mark.asyncio
async def test_that_sqlite_memory_resumes_a_confirmation_after_restart(
    commerce: Any, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, database_url="")
    await confirm_across_restart(settings, commerce)
    assert settings.checkpoint_path.exists()


@pytest.mark.asyncio
async def test_that_postgres_memory_resumes_a_confirmation_after_restart(commerce: Any) -> None:
    settings = Settings(database_url=postgres_or_skip())
    await confirm_across_restart(settings, commerce)
