"""The whole handoff journey on real servers: customer, queue, agent, resolution, analytics.

On SQLite one server process serves the customer and the agent. On Postgres + Redis the
customer talks to one process and the agent works from another; the queue lives in Postgres
and every event crosses between them through Redis.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from supportgraph.tests.e2e.conftest import free_port, server_env, start, stop
from supportgraph.tests.fakes import TEST_KEYS_ENV
from supportgraph.tests.postgres import postgres_schema, redis_or_skip

CUSTOMER = "yusuf_rossi_9620"
ORDER = "#W6247578"
AGENT = "agent_maya"
SECRET = "journey-signing-key-0123456789abcdef0123"
EVENT_TIMEOUT = 60.0


@pytest.fixture(params=["sqlite", "postgres+redis"])
def deployment(
    request: pytest.FixtureRequest, tmp_path: Path, models_dir: Path
) -> Iterator[tuple[str, str]]:
    """(customer's server URL, agent's server URL): one process on SQLite, two on Postgres."""
    extra = {"SUPPORTGRAPH_AUTH_SECRET": SECRET}
    count = 1
    with ExitStack() as stack:  # closed last-in first-out: the servers stop, then the schema goes
        if request.param == "postgres+redis":
            redis_url = redis_or_skip()
            database_url = stack.enter_context(postgres_schema("sg_journey"))
            extra |= {
                "SUPPORTGRAPH_DATABASE_URL": database_url,
                "SUPPORTGRAPH_REDIS_URL": redis_url,
                # Processes sharing a database share its keys, or one can't read the other's rows.
                "SUPPORTGRAPH_ENCRYPTION_KEYS": TEST_KEYS_ENV,
            }
            count = 2
        urls = []
        for index in range(count):
            port = free_port()
            data_dir = tmp_path / f"server{index}"
            data_dir.mkdir()
            env = server_env(data_dir, models_dir, PORT=str(port)) | extra
            url = f"http://127.0.0.1:{port}"
            command = [sys.executable, "-P", "-m", "supportgraph.cli", "serve"]
            stack.callback(stop, start(command, env, f"{url}/health", data_dir / "server.log"))
            urls.append(url)
        yield urls[0], urls[-1]


def login(url: str, role: str, user_id: str) -> str:
    response = httpx.post(f"{url}/api/v1/auth/dev-login", json={"role": role, "user_id": user_id})
    response.raise_for_status()
    return str(response.json()["access_token"])


def ws_url(url: str, token: str) -> str:
    return f"{url.replace('http://', 'ws://')}/api/v1/support/ws?token={token}"


class Client:
    """A WebSocket connection that keeps every event it received, in order."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.events: list[dict[str, Any]] = []
        self._seen = 0

    async def send(self, **event: Any) -> None:
        await self.socket.send(json.dumps(event))

    async def expect(self, kind: str, **fields: Any) -> dict[str, Any]:
        """The next event of this kind (with these fields) not yet consumed."""
        deadline = asyncio.get_running_loop().time() + EVENT_TIMEOUT
        while True:
            for index in range(self._seen, len(self.events)):
                event = self.events[index]
                if event["type"] == kind and all(event.get(k) == v for k, v in fields.items()):
                    self._seen = index + 1
                    return event
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no {kind} {fields} in {self.events}")
            try:
                raw = await asyncio.wait_for(self.socket.recv(), timeout=remaining)
            except TimeoutError as error:
                raise AssertionError(f"no {kind} {fields} in {self.events}") from error
            event = json.loads(raw)
            assert event["type"] != "ERROR", event
            self.events.append(event)

    def since(self, index: int) -> list[dict[str, Any]]:
        return self.events[index:]


async def journey(customer_url: str, agent_url: str) -> None:
    user = login(customer_url, "USER", CUSTOMER)
    agent = login(agent_url, "AGENT", AGENT)
    admin = login(agent_url, "ADMIN", "admin_root")
    api_c = httpx.AsyncClient(base_url=f"{customer_url}/api/v1/support", timeout=60)
    api_a = httpx.AsyncClient(base_url=f"{agent_url}/api/v1/support", timeout=60)
    as_user = {"Authorization": f"Bearer {user}"}
    as_agent = {"Authorization": f"Bearer {agent}"}
    as_admin = {"Authorization": f"Bearer {admin}"}

    # The admin registers the agent; the agent comes on shift.
    profile = {"display_name": "Maya", "languages": ["en"], "specializations": ["orders"]}
    assert (await api_a.put(f"/agents/{AGENT}", json=profile, headers=as_admin)).status_code == 200
    status = await api_a.put("/agents/me/status", json={"status": "AVAILABLE"}, headers=as_agent)
    assert status.json()["status"] == "AVAILABLE"

    started = await api_c.post("/conversations", json={"subject": "my order"}, headers=as_user)
    assert started.status_code == 201
    cid = started.json()["conversation_id"]

    async with (
        websockets.connect(ws_url(customer_url, user)) as customer_socket,
        websockets.connect(ws_url(agent_url, agent)) as agent_socket,
    ):
        customer, staff = Client(customer_socket), Client(agent_socket)

        # A streamed answer, then a request for a person.
        await customer.send(
            type="SEND_MESSAGE", conversation_id=cid, content=f"What is the status of {ORDER}?"
        )
        final = await customer.expect("AI_RESPONSE", final=True)
        parts = [
            e["chunk"]
            for e in customer.events
            if e.get("message_id") == final["message_id"] and not e["final"]
        ]
        assert parts and "".join(parts) == final["content"]
        assert ORDER in final["content"] and "pending" in final["content"].lower()

        await customer.send(
            type="SEND_MESSAGE", conversation_id=cid, content="I want to talk to a human"
        )
        handoff = await customer.expect("AI_RESPONSE", final=True)
        assert "human agent" in handoff["content"]
        queued = await customer.expect("CONVERSATION_STATUS", status="ESCALATED")
        assert queued["estimated_wait_time_minutes"] >= 1

        # The agent, on the other process, sees it in the queue and takes it.
        await staff.expect("QUEUE_UPDATED", conversation_id=cid, status="ESCALATED")
        waiting = (await api_a.get("/agents/me/queue", headers=as_agent)).json()["waiting"]
        assert [item["conversation_id"] for item in waiting] == [cid]
        taken = await api_a.post(f"/conversations/{cid}/assign", json={}, headers=as_agent)
        assert taken.status_code == 200, taken.text
        assigned = await customer.expect("AGENT_ASSIGNED", agent_id=AGENT)
        assert assigned["agent_name"] == "Maya" and assigned["estimated_wait_time_minutes"] >= 1

        # The full history, then the agent's reply reaches the customer.
        history = (await api_a.get(f"/conversations/{cid}", headers=as_agent)).json()["messages"]
        senders = [m["sender"] for m in history]
        assert senders.count("CUSTOMER") == 2 and senders.count("AI") == 2
        await staff.send(type="SUBSCRIBE", conversation_id=cid)
        await staff.expect("CONVERSATION_STATUS", conversation_id=cid, status="ASSIGNED")
        await staff.send(
            type="SEND_MESSAGE", conversation_id=cid, content="Hi, I'm Maya. How can I help?"
        )
        reply = await customer.expect("AGENT_MESSAGE", agent_id=AGENT)
        assert reply["content"] == "Hi, I'm Maya. How can I help?"

        # While the agent owns it the AI stays silent; the customer's words reach the agent.
        mark = len(customer.events)
        await customer.send(type="SEND_MESSAGE", conversation_id=cid, content="Thanks, it's late")
        heard = await staff.expect("CUSTOMER_MESSAGE", conversation_id=cid)
        assert heard["content"] == "Thanks, it's late"

        resolved = await api_a.post(f"/conversations/{cid}/resolve", headers=as_agent)
        assert resolved.json()["status"] == "RESOLVED"
        await customer.expect("CONVERSATION_STATUS", status="RESOLVED")
        assert not [e for e in customer.since(mark) if e["type"] == "AI_RESPONSE"]

        await customer.send(
            type="SUBMIT_FEEDBACK",
            conversation_id=cid,
            message_id=reply["message_id"],
            rating=5,
            helpful=True,
            comment="Maya sorted it",
        )
        recorded = await customer.expect("FEEDBACK_RECORDED", conversation_id=cid)
        assert recorded["rating"] == 5

    # The admin's analytics for today count all of it.
    today = datetime.now(UTC).date().isoformat()
    window = {"start_date": today, "end_date": today}
    performance = (
        await api_a.get("/analytics/performance", params=window, headers=as_admin)
    ).json()
    assert performance["total_conversations"] == 1
    assert performance["escalated_conversations"] == 1
    assert performance["human_resolved_conversations"] == 1
    assert performance["ai_resolved_conversations"] == 0
    assert performance["escalation_rate"] == 1.0 and performance["automation_rate"] == 0.0
    assert performance["ai_messages"] == 2 and performance["human_agent_messages"] == 1
    assert performance["customer_satisfaction"] == 5.0
    feedback = (await api_a.get("/analytics/feedback", params=window, headers=as_admin)).json()
    assert feedback["total_feedback"] == 1 and feedback["helpful_count"] == 1
    assert feedback["rating_distribution"]["5"] == 1
    await api_c.aclose()
    await api_a.aclose()


def test_the_whole_handoff_journey(deployment: tuple[str, str]) -> None:
    asyncio.run(journey(*deployment))
