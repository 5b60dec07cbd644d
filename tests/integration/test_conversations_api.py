"""Conversations that belong to someone: tokens, ownership, the REST API and LangServe."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.server import create_app
from supportgraph.services import Services
from supportgraph.settings import Settings
from supportgraph.tests.fakes import EmptyKnowledge, PassGuardrail, ScriptedNLU

USER = "yusuf_rossi_9620"
EMAIL = "yusuf.rossi7301@example.com"
OTHER_EMAIL = "mei.kovacs8020@example.com"
BASE = "/api/v1/support/conversations"


def client_for(commerce: Any, tmp_path: Path, readings: dict[str, Any], **env: Any) -> TestClient:
    services = Services(
        commerce=commerce,
        knowledge=EmptyKnowledge(),
        nlu=ScriptedNLU(readings),
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    settings = Settings(data_dir=tmp_path / "data", **({"database_url": ""} | env))
    return TestClient(create_app(settings, services=services))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client: TestClient, role: str, user_id: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/dev-login", json={"role": role, "user_id": user_id})
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


def invoke(client: TestClient, conversation_id: str, text: str, headers: dict[str, str]) -> Any:
    return client.post(
        "/support/invoke",
        json={
            "input": {"messages": [{"type": "human", "content": text}]},
            "config": {"configurable": {"thread_id": conversation_id}},
        },
        headers=headers,
    )


async def pending_order(commerce: Any) -> str:
    user = await commerce.get_user(USER)
    for order_id in user["orders"]:
        if (await commerce.get_order(order_id))["status"] == "pending":
            return order_id
    raise AssertionError("no pending order")


@pytest.mark.asyncio
async def test_that_a_signed_in_customer_is_known_without_verifying_in_chat(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    order_id = await pending_order(commerce)
    ask = f"cancel {order_id}, no longer needed"
    readings = {ask: ("cancel_order", {"order_ids": [order_id], "reason": "no longer needed"})}
    with client_for(commerce, tmp_path, readings, **backend) as client:
        headers = login(client, "USER", USER)
        started = client.post(BASE, headers=headers)
        assert started.status_code == 201 and started.json()["conversation_token"] is None
        cid = started.json()["conversation_id"]
        answer = client.post(f"{BASE}/{cid}/message", json={"content": ask}, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) >= {"message_id", "ai_response", "confidence_score", "processing_time_ms"}
        assert "yes or no" in body["ai_response"] and order_id in body["ai_response"]
        stored = client.get(f"{BASE}/{cid}", headers=headers).json()
        assert [m["sender"] for m in stored["messages"]] == ["CUSTOMER", "AI"]
        assert stored["messages"][1]["message_id"] == body["message_id"]
        listed = client.get(BASE, headers=headers).json()
        assert listed["items"][0]["conversation_id"] == cid


@pytest.mark.asyncio
async def test_that_a_signed_in_customer_cannot_be_talked_into_another_account(
    commerce: Any, tmp_path: Path
) -> None:
    claim = f"my email is {OTHER_EMAIL}"
    readings = {claim: ("provide_identity", {"email": OTHER_EMAIL})}
    with client_for(commerce, tmp_path, readings) as client:
        headers = login(client, "USER", USER)
        cid = client.post(BASE, headers=headers).json()["conversation_id"]
        client.post(f"{BASE}/{cid}/message", json={"content": claim}, headers=headers)
        output = invoke(client, cid, claim, headers).json()["output"]
        tools = [m["content"] for m in output["messages"] if m["type"] == "tool"]
        assert not any('"mei_kovacs' in t for t in tools)
        assert client.get(f"{BASE}/{cid}", headers=headers).json()["anonymous"] is False


def test_that_another_caller_cannot_continue_an_anonymous_conversation(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    verify = f"my email is {EMAIL}"
    probe = "what is my home address and what payment methods do I have?"
    readings = {verify: ("provide_identity", {"email": EMAIL}), probe: ("account_info", {})}
    with client_for(commerce, tmp_path, readings, **backend) as client:
        started = client.post(BASE).json()
        cid, own = started["conversation_id"], bearer(started["conversation_token"])
        assert client.post(
            f"{BASE}/{cid}/message", json={"content": verify}, headers=own
        ).is_success
        other = bearer(client.post(BASE).json()["conversation_token"])
        stranger = login(client, "USER", "mei_kovacs_8020")
        for headers, status in (({}, 401), (other, 404), (stranger, 404)):
            sent = client.post(f"{BASE}/{cid}/message", json={"content": probe}, headers=headers)
            assert sent.status_code == status, (headers, sent.text)
            assert client.get(f"{BASE}/{cid}", headers=headers).status_code == status
            served = invoke(client, cid, probe, headers)
            assert served.status_code == status, served.text
            assert "payment" not in served.text.lower() or served.status_code >= 400
        stored = client.get(f"{BASE}/{cid}", headers=own).json()["messages"]
        assert [m["sender"] for m in stored] == ["CUSTOMER", "AI"]
        garbage = bearer("not-a-token")
        assert client.get(f"{BASE}/{cid}", headers=garbage).status_code == 401
        assert invoke(client, cid, probe, own).status_code == 200
        # A LangServe turn is stored like a REST one.
        stored = client.get(f"{BASE}/{cid}", headers=own).json()["messages"]
        assert [m["sender"] for m in stored] == ["CUSTOMER", "AI"] * 2
        assert stored[2]["content"] == probe


def test_that_a_thread_id_the_server_never_issued_is_refused(commerce: Any, tmp_path: Path) -> None:
    with client_for(commerce, tmp_path, {}) as client:
        own = bearer(client.post(BASE).json()["conversation_token"])
        response = invoke(client, "demo-1", "hi", own)
        assert response.status_code == 404
        assert "issued" in response.text
        missing = client.post(
            "/support/invoke",
            json={"input": {"messages": [{"type": "human", "content": "hi"}]}},
            headers=own,
        )
        assert missing.status_code == 422 and "thread_id" in missing.text


def test_that_bad_input_gets_a_clear_4xx_and_the_server_stays_up(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, {}) as client:
        started = client.post(BASE).json()
        cid, own = started["conversation_id"], bearer(started["conversation_token"])
        url = f"{BASE}/{cid}/message"
        huge = client.post(url, json={"content": "a" * 1_000_000}, headers=own)
        assert huge.status_code == 413 and "payload_too_large" in huge.text
        long = client.post(url, json={"content": "a" * 4001}, headers=own)
        assert long.status_code == 422
        served_long = invoke(client, cid, "a" * 4001, own)  # the LangServe route: the same cap
        assert served_long.status_code == 422 and "message_too_long" in served_long.text
        malformed = client.post(
            url, content=b'{"content": "hi"', headers={**own, "Content-Type": "application/json"}
        )
        assert malformed.status_code == 422
        odd = client.post(
            url,
            content=b'{"content": "\\ud800 \\u0000 \xef\xbf\xbf"}',
            headers={**own, "Content-Type": "application/json"},
        )
        assert 400 <= odd.status_code < 500 or odd.status_code == 200, odd.text
        assert client.post(url, json={"text": "hi"}, headers=own).status_code == 422
        assert client.get("/health").status_code == 200


def test_that_dev_sign_in_is_off_when_the_setting_says_so(commerce: Any, tmp_path: Path) -> None:
    with client_for(commerce, tmp_path, {}, dev_auth=False) as client:
        response = client.post("/api/v1/auth/dev-login", json={"role": "USER", "user_id": USER})
        assert response.status_code == 404
        assert client.post(BASE).status_code == 201


def test_that_a_customer_over_the_rate_limit_gets_429_with_retry_after(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, {}) as client:
        headers = login(client, "USER", USER)
        statuses = [client.get(BASE, headers=headers).status_code for _ in range(101)]
        assert statuses[:100] == [200] * 100
        limited = client.get(BASE, headers=headers)
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
        served = invoke(client, "any-thread", "hi", headers)  # LangServe counts the same calls
        assert served.status_code == 429 and int(served.headers["Retry-After"]) >= 1


class _HeldNLU(ScriptedNLU):
    """Understands "hold on" only once the test lets it go, like a very slow message."""

    def __init__(self) -> None:
        super().__init__({})
        self.started, self.release = threading.Event(), threading.Event()

    def understand(self, text: str) -> Any:
        if text == "hold on":
            self.started.set()
            assert self.release.wait(30), "the turn was never released"
        return super().understand(text)


def test_that_a_slow_turn_leaves_health_and_other_conversations_answering(
    commerce: Any, tmp_path: Path
) -> None:
    nlu = _HeldNLU()
    services = Services(
        commerce=commerce,
        knowledge=EmptyKnowledge(),
        nlu=nlu,
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    settings = Settings(data_dir=tmp_path / "data", database_url="")
    with TestClient(create_app(settings, services=services)) as client:
        slow, fast = (client.post(BASE).json() for _ in range(2))
        results: dict[str, int] = {}

        def send_slow() -> None:
            response = client.post(
                f"{BASE}/{slow['conversation_id']}/message",
                json={"content": "hold on"},
                headers=bearer(slow["conversation_token"]),
            )
            results["slow"] = response.status_code

        worker = threading.Thread(target=send_slow)
        worker.start()
        try:
            assert nlu.started.wait(30), "the slow turn never started"
            # The slow turn holds a worker thread, not the event loop: the server still answers.
            assert client.get("/health").status_code == 200
            other = client.post(
                f"{BASE}/{fast['conversation_id']}/message",
                json={"content": "hello"},
                headers=bearer(fast["conversation_token"]),
            )
            assert other.status_code == 200 and "slow" not in results
        finally:
            nlu.release.set()
            worker.join(30)
        assert results["slow"] == 200
