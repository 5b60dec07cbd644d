"""The human side over the API: rules route handoffs, the queue orders them, agents work them."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportgraph.tests.integration.test_conversations_api import BASE, USER, client_for, login

SUPPORT = "/api/v1/support"
ANGRY = "this is a joke, I am writing to the ombudsman"
ASK_HUMAN = "let me talk to a person"
READINGS = {
    ANGRY: ("out_of_scope", {}, -0.4),
    ASK_HUMAN: ("human_agent", {}),
    "hello": ("greeting", {}),
}


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def open_conversation(client: TestClient, user: dict[str, str], **body: Any) -> str:
    started = client.post(BASE, json=body, headers=user)
    assert started.status_code == 201, started.text
    return str(started.json()["conversation_id"])


def say(client: TestClient, cid: str, text: str, user: dict[str, str]) -> dict[str, Any]:
    response = client.post(f"{BASE}/{cid}/message", json={"content": text}, headers=user)
    assert response.status_code == 200, response.text
    return dict(response.json())


def conversation(client: TestClient, cid: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"{BASE}/{cid}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def register(client: TestClient, admin: dict[str, str], agent_id: str, **profile: Any) -> None:
    response = client.put(f"{SUPPORT}/agents/{agent_id}", json=profile, headers=admin)
    assert response.status_code == 200, response.text


def test_a_rule_an_admin_adds_routes_the_next_turn_and_disabling_it_stops(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        admin, user = login(client, "ADMIN", "admin_root"), login(client, "USER", USER)
        rule = {
            "name": "Ombudsman",
            "priority": 1,
            "condition": {"kind": "keyword", "keywords": ["ombudsman"]},
            "action": {"priority": "URGENT", "specialization": "billing"},
        }
        created = client.post(f"{SUPPORT}/escalation-rules", json=rule, headers=admin)
        assert created.status_code == 201, created.text
        rule_id = created.json()["rule_id"]
        ordered = [
            r["priority"] for r in client.get(f"{SUPPORT}/escalation-rules", headers=admin).json()
        ]
        assert ordered == sorted(ordered) and ordered[0] == 1

        cid = open_conversation(client, user)
        answer = say(client, cid, ANGRY, user)
        assert answer["escalated"] is True and answer["status"] == "ESCALATED"
        assert "human agent" in answer["ai_response"]
        row = conversation(client, cid, admin)
        assert (row["priority"], row["specialization"], row["escalation_reason"]) == (
            "URGENT",
            "billing",
            "rule",
        )
        customer_turn = next(m for m in row["messages"] if m["sender"] == "CUSTOMER")
        assert customer_turn["details"]["rule"]["rule_id"] == rule_id

        rule["enabled"] = False
        assert (
            client.put(
                f"{SUPPORT}/escalation-rules/{rule_id}", json=rule, headers=admin
            ).status_code
            == 200
        )
        calm = open_conversation(client, user)
        assert say(client, calm, ANGRY, user)["escalated"] is False


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"kind": "weather"}, "kind"),
        ({"kind": "keyword", "keywords": []}, "keywords"),
        ({"kind": "sentiment_below", "threshold": 5}, "threshold"),
    ],
)
def test_an_invalid_rule_is_a_422_that_says_where(
    commerce: Any, tmp_path: Path, condition: dict[str, Any], message: str
) -> None:
    with client_for(commerce, tmp_path, {}) as client:
        admin = login(client, "ADMIN", "admin_root")
        body = {"name": "bad", "condition": condition}
        response = client.post(f"{SUPPORT}/escalation-rules", json=body, headers=admin)
        assert response.status_code == 422
        assert message in response.json()["detail"]["message"]
        agent = login(client, "AGENT", "agent_x")
        assert client.get(f"{SUPPORT}/escalation-rules", headers=agent).status_code == 403


def test_the_queue_serves_priority_first_then_waiting_time_and_assigns_by_skill_and_language(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, READINGS) as client:
        admin, user = login(client, "ADMIN", "admin_root"), login(client, "USER", USER)
        rule = {
            "name": "Ombudsman",
            "priority": 1,
            "condition": {"kind": "keyword", "keywords": ["ombudsman"]},
            "action": {"priority": "URGENT", "specialization": "billing"},
        }
        assert (
            client.post(f"{SUPPORT}/escalation-rules", json=rule, headers=admin).status_code == 201
        )
        first = open_conversation(client, user)
        say(client, first, ASK_HUMAN, user)  # MEDIUM, waiting longest
        spanish = open_conversation(client, user, language="es")
        client.post(f"{BASE}/{spanish}/escalate", json={}, headers=user)
        urgent = open_conversation(client, user)
        say(client, urgent, ANGRY, user)  # URGENT, billing

        queue = client.get(f"{SUPPORT}/queue", headers=admin).json()["items"]
        assert [item["conversation_id"] for item in queue] == [urgent, first, spanish]
        assert [item["position"] for item in queue] == [0, 1, 2]

        register(client, admin, "agent_en", languages=["en"], status="AVAILABLE")
        register(
            client,
            admin,
            "agent_billing",
            languages=["en"],
            specializations=["billing"],
            status="AVAILABLE",
        )
        register(client, admin, "agent_es", languages=["es"], status="AVAILABLE")
        register(client, admin, "agent_off", languages=["en", "es"], specializations=["billing"])
        available = {
            a["agent_id"] for a in client.get(f"{SUPPORT}/agents/available", headers=admin).json()
        }
        assert available == {"agent_en", "agent_billing", "agent_es"}  # agent_off is OFFLINE

        picks = {}
        for cid in (urgent, spanish, first):
            assigned = client.post(f"{BASE}/{cid}/assign", json={}, headers=admin)
            assert assigned.status_code == 200, assigned.text
            picks[cid] = assigned.json()["agent_id"]
        assert picks == {urgent: "agent_billing", spanish: "agent_es", first: "agent_en"}
        assert client.get(f"{SUPPORT}/queue", headers=admin).json()["items"] == []

        loads = {
            a["agent_id"]: a["current_load"]
            for a in client.get(f"{SUPPORT}/agents", headers=admin).json()
        }
        assert loads == {"agent_en": 1, "agent_billing": 1, "agent_es": 1, "agent_off": 0}


def test_an_agent_sees_the_queue_in_their_language_and_takes_the_next(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, READINGS) as client:
        admin, user = login(client, "ADMIN", "admin_root"), login(client, "USER", USER)
        register(client, admin, "agent_es", languages=["es"], display_name="Lucía")
        agent = login(client, "AGENT", "agent_es")
        english = open_conversation(client, user)
        client.post(f"{BASE}/{english}/escalate", json={}, headers=user)
        spanish = open_conversation(client, user, language="es")
        client.post(f"{BASE}/{spanish}/escalate", json={}, headers=user)

        mine = client.get(f"{SUPPORT}/agents/me/queue", headers=agent).json()
        assert mine["assigned"] == [] and [c["conversation_id"] for c in mine["waiting"]] == [
            spanish
        ]
        taken = client.post(f"{SUPPORT}/agents/me/next", headers=agent)
        assert (
            taken.status_code == 200 and taken.json()["conversation"]["conversation_id"] == spanish
        )
        assert taken.json()["agent_name"] == "Lucía"
        assert client.post(f"{SUPPORT}/agents/me/next", headers=agent).status_code == 204
        mine = client.get(f"{SUPPORT}/agents/me/queue", headers=agent).json()
        assert [c["conversation_id"] for c in mine["assigned"]] == [spanish]


def test_while_an_agent_owns_it_the_ai_is_silent_and_after_hand_back_it_answers(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user = login(client, "USER", USER)
        agent_id = unique("agent")
        agent = login(client, "AGENT", agent_id)
        cid = open_conversation(client, user)
        assert say(client, cid, ASK_HUMAN, user)["escalated"] is True
        assert client.post(f"{BASE}/{cid}/assign", json={}, headers=agent).status_code == 200

        waiting = say(client, cid, "hello", user)
        assert waiting["ai_response"] is None and waiting["status"] == "ASSIGNED"
        reply = client.post(
            f"{BASE}/{cid}/reply", json={"content": "Hi, how can I help?"}, headers=agent
        )
        assert reply.status_code == 201 and reply.json()["sender"] == "AGENT"

        back = client.post(f"{BASE}/{cid}/handback", headers=agent)
        assert back.status_code == 200 and back.json()["status"] == "ACTIVE"
        answered = say(client, cid, "hello", user)
        assert answered["ai_response"] and answered["status"] == "ACTIVE"
        assert answered["escalated"] is False
        senders = [m["sender"] for m in conversation(client, cid, user)["messages"]]
        assert senders.count("AGENT") == 1 and senders[-1] == "AI"
        # The agent no longer holds it, so they can neither read nor reply to it.
        assert client.get(f"{BASE}/{cid}", headers=agent).status_code == 404


def test_two_agents_taking_the_same_conversation_get_it_once(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user = login(client, "USER", USER)
        agents = [login(client, "AGENT", unique("agent")) for _ in range(4)]
        cid = open_conversation(client, user)
        client.post(f"{BASE}/{cid}/escalate", json={}, headers=user)
        with ThreadPoolExecutor(len(agents)) as pool:
            results = list(
                pool.map(lambda h: client.post(f"{BASE}/{cid}/assign", json={}, headers=h), agents)
            )
        codes = sorted(r.status_code for r in results)
        # The losers hear it was taken (409), or, once it is another's, that they cannot see it.
        assert codes[0] == 200 and set(codes[1:]) <= {404, 409}, [r.text for r in results]
        winner = next(r.json()["agent_id"] for r in results if r.status_code == 200)
        admin = login(client, "ADMIN", "root")
        assert conversation(client, cid, admin)["assigned_agent_id"] == winner


def test_feedback_on_one_answer_is_checked_against_the_conversation(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, READINGS) as client:
        user = login(client, "USER", USER)
        cid, other = open_conversation(client, user), open_conversation(client, user)
        answer = say(client, cid, "hello", user)
        foreign = say(client, other, "hello", user)
        asked = next(
            m for m in conversation(client, cid, user)["messages"] if m["sender"] == "CUSTOMER"
        )

        ok = client.post(
            f"{BASE}/{cid}/feedback",
            json={"message_id": answer["message_id"], "helpful": True, "follow_up_required": True},
            headers=user,
        )
        assert (
            ok.status_code == 201 and ok.json()["helpful"] is True and ok.json()["rating"] is None
        )
        for body, reason in (
            ({"message_id": foreign["message_id"], "rating": 4}, "not a message of this"),
            ({"message_id": asked["message_id"], "rating": 4}, "only answers"),
            ({}, "give a rating"),
        ):
            refused = client.post(f"{BASE}/{cid}/feedback", json=body, headers=user)
            assert refused.status_code == 422 and reason in refused.json()["detail"]["message"]
