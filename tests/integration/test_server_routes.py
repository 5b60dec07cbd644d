"""The served app: LangServe turns, confirmation through /support/invoke, REST, health."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.server import create_app
from supportgraph.services import Services
from supportgraph.settings import Settings
from supportgraph.tests.fakes import EmptyKnowledge, PassGuardrail, ScriptedNLU

EMAIL = "yusuf.rossi7301@example.com"
TOKEN = "test-token"


def client_for(commerce: Any, tmp_path: Path, readings: dict[str, Any]) -> TestClient:
    services = Services(
        commerce=commerce,
        knowledge=EmptyKnowledge(),
        nlu=ScriptedNLU(readings),
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    settings = Settings(data_dir=tmp_path / "data", service_token=TOKEN, database_url="")
    return TestClient(create_app(settings, services=services))


_STARTED: dict[tuple[int, str], tuple[str, str]] = {}


def conversation(client: TestClient, label: str) -> tuple[str, str]:
    """The anonymous conversation (id, token) this client started under `label`."""
    key = (id(client), label)
    if key not in _STARTED:
        body = client.post("/api/v1/support/conversations").json()
        _STARTED[key] = (body["conversation_id"], body["conversation_token"])
    return _STARTED[key]


def turn(client: TestClient, text: str, thread: str) -> dict[str, Any]:
    conversation_id, token = conversation(client, thread)
    response = client.post(
        "/support/invoke",
        json={
            "input": {"messages": [{"type": "human", "content": text}]},
            "config": {"configurable": {"thread_id": conversation_id}},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()["output"]


def reply(output: dict[str, Any]) -> str:
    return [m for m in output["messages"] if m["type"] == "ai" and m["content"]][-1]["content"]


async def pending_order(commerce: Any) -> str:
    user = await commerce.get_user("yusuf_rossi_9620")
    for order_id in user["orders"]:
        if (await commerce.get_order(order_id))["status"] == "pending":
            return order_id
    raise AssertionError("no pending order")


@pytest.mark.asyncio
async def test_that_a_cancellation_over_invoke_needs_the_yes(commerce: Any, tmp_path: Path) -> None:
    order_id = await pending_order(commerce)
    ask = f"cancel {order_id}, no longer needed. {EMAIL}"
    readings = {
        ask: (
            "cancel_order",
            {"order_ids": [order_id], "reason": "no longer needed", "email": EMAIL},
        ),
        "yes": ("affirm", {}),
        "no": ("deny", {}),
    }
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with client_for(commerce, tmp_path, readings) as client:
        assert client.get("/health").json()["status"] == "ok"
        first = turn(client, ask, "declines")
        assert "yes or no" in reply(first) and first["pending_action"]
        assert "haven't changed" in reply(turn(client, "no", "declines"))
        encoded = order_id.replace("#", "%23")
        assert (
            client.get(f"/api/v1/orders/{encoded}", headers=headers).json()["status"] == "pending"
        )

        turn(client, ask, "confirms")
        assert "cancelled" in reply(turn(client, "yes", "confirms"))
        order = client.get(f"/api/v1/orders/{encoded}", headers=headers).json()
        assert order["status"] == "cancelled"


def test_that_a_turn_without_a_thread_is_refused(commerce: Any, tmp_path: Path) -> None:
    with client_for(commerce, tmp_path, {}) as client:
        response = client.post(
            "/support/invoke", json={"input": {"messages": [{"type": "human", "content": "hi"}]}}
        )
        assert response.status_code == 422
        assert "thread_id" in response.text


def test_that_the_openapi_schema_documents_every_route(commerce: Any, tmp_path: Path) -> None:
    with client_for(commerce, tmp_path, {}) as client:
        paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/support/invoke",
        "/support/batch",
        "/support/stream",
        "/support/stream_events",
        "/api/v1/orders/{order_id}",
        "/api/v1/users/{user_id}",
        "/api/v1/products/{product_id}",
        "/api/v1/payments/{payment_method_id}",
        "/api/v1/tools/{tool_name}",
        "/health",
    ):
        assert path in paths, path
