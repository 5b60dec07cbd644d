"""What the web screens read: confirmation prompts, the customer profile, the client
configuration, anonymous chat turned off, and the built screens served at `/`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from supportgraph.api.web import web_app
from supportgraph.tests.integration.test_conversations_api import (
    BASE,
    USER,
    client_for,
    login,
    pending_order,
)
from supportgraph.tests.integration.test_handoff import ASK_HUMAN, READINGS, register, say

SUPPORT = "/api/v1/support"


@pytest.mark.asyncio
async def test_an_answer_asking_for_a_yes_says_so_until_the_customer_answers(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    order_id = await pending_order(commerce)
    ask = f"cancel {order_id}, no longer needed"
    readings = {
        ask: ("cancel_order", {"order_ids": [order_id], "reason": "no longer needed"}),
        "no": ("deny", {}),
    }
    with client_for(commerce, tmp_path, readings, **backend) as client:
        user = login(client, "USER", USER)
        cid = client.post(BASE, headers=user).json()["conversation_id"]
        asked = say(client, cid, ask, user)
        assert asked["awaiting_confirmation"] is True and "yes or no" in asked["ai_response"]
        declined = say(client, cid, "no", user)
        assert declined["awaiting_confirmation"] is False
        stored = client.get(f"{BASE}/{cid}", headers=user).json()["messages"]
        flags = [(m["sender"], m["awaiting_confirmation"]) for m in stored]
        assert flags == [("CUSTOMER", False), ("AI", True), ("CUSTOMER", False), ("AI", False)]
        assert all(m["details"] == {} for m in stored)  # the flag is public, the details are not


@pytest.mark.asyncio
async def test_the_support_team_reads_the_customer_and_their_orders_and_no_one_else_does(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    record = await commerce.get_user(USER)
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        admin, user = login(client, "ADMIN", "admin_root"), login(client, "USER", USER)
        register(client, admin, "agent_ana", display_name="Ana")
        agent, other = login(client, "AGENT", "agent_ana"), login(client, "AGENT", "agent_bo")
        cid = client.post(BASE, headers=user).json()["conversation_id"]
        path = f"{SUPPORT}/conversations/{cid}/customer"

        assert client.get(path, headers=user).status_code == 403
        assert client.get(path, headers=agent).status_code == 404  # not waiting, not theirs
        say(client, cid, ASK_HUMAN, user)
        profile = client.get(path, headers=agent)
        assert profile.status_code == 200, profile.text
        body = profile.json()
        assert body["user_id"] == USER and body["email"] == record["email"]
        assert [o["order_id"] for o in body["orders"]] == record["orders"]
        assert all("items" in o and "status" in o for o in body["orders"])

        taken = client.post(f"{SUPPORT}/conversations/{cid}/assign", json={}, headers=agent)
        assert taken.status_code == 200, taken.text
        assert client.get(path, headers=other).status_code == 404  # held by another agent
        assert client.get(path, headers=admin).status_code == 200


def test_an_anonymous_conversation_has_no_customer_until_one_is_verified(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, READINGS) as client:
        admin = login(client, "ADMIN", "admin_root")
        cid = client.post(BASE).json()["conversation_id"]
        missing = client.get(f"{SUPPORT}/conversations/{cid}/customer", headers=admin)
        assert missing.status_code == 404
        assert missing.json()["detail"]["code"] == "customer_unknown"


def test_the_client_configuration_follows_the_settings_and_anonymous_chat_can_be_turned_off(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, READINGS) as client:
        assert client.get(f"{SUPPORT}/client-config").json() == {
            "dev_auth": True,
            "anonymous_chat": True,
        }
    with client_for(commerce, tmp_path, READINGS, anonymous_chat=False) as client:
        assert client.get(f"{SUPPORT}/client-config").json()["anonymous_chat"] is False
        refused = client.post(BASE)
        assert refused.status_code == 401
        assert refused.json()["detail"]["code"] == "sign_in_required"
        assert client.post(BASE, headers=login(client, "USER", USER)).status_code == 201


def _screens(tmp_path: Path) -> TestClient:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>app</title>")
    (dist / "widget.html").write_text("<!doctype html><title>widget</title>")
    (dist / "assets" / "app-1a2b.js").write_text("console.log(1)")
    app = FastAPI()

    @app.get("/api/v1/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    screens = web_app(dist)
    assert screens is not None
    app.mount("/", screens)
    return TestClient(app)


def test_the_screens_are_served_with_their_own_routes_and_the_api_keeps_its_404s(
    tmp_path: Path,
) -> None:
    client = _screens(tmp_path)
    assert client.get("/api/v1/ping").json() == {"pong": "yes"}
    for page in ("/", "/console", "/admin/knowledge"):
        response = client.get(page)
        assert response.status_code == 200 and "<title>app</title>" in response.text, page
        assert response.headers["cache-control"] == "no-cache"
    assert "<title>widget</title>" in client.get("/widget.html").text
    asset = client.get("/assets/app-1a2b.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
    assert client.get("/assets/missing.js").status_code == 404
    assert client.get("/api/v1/nothing").status_code == 404
    assert client.get("/missing.png").status_code == 404


def test_without_built_screens_the_root_says_how_to_build_them(
    commerce: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("supportgraph.server.web_app", lambda **_: None)
    with client_for(commerce, tmp_path, READINGS) as client:
        root = client.get("/")
        assert root.status_code == 503 and "make web" in root.text
