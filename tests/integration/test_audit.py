"""The audit log: staff reads and admin changes are recorded, admins search them, and the
database itself refuses to change or remove an entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from supportgraph.api.db import engine_for
from supportgraph.settings import Settings
from supportgraph.tests.integration.test_conversations_api import BASE, USER, client_for, login
from supportgraph.tests.integration.test_handoff import ASK_HUMAN, READINGS, register, say

SUPPORT = "/api/v1/support"


def audit(client: TestClient, admin: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"{SUPPORT}/audit", params=params, headers=admin)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_staff_reads_and_admin_changes_are_recorded_and_customers_reads_are_not(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        admin, user = login(client, "ADMIN", "admin_root"), login(client, "USER", USER)
        register(client, admin, "agent_ana", display_name="Ana")
        agent = login(client, "AGENT", "agent_ana")
        cid = client.post(BASE, headers=user).json()["conversation_id"]
        say(client, cid, ASK_HUMAN, user)
        assert client.get(f"{BASE}/{cid}", headers=user).status_code == 200
        assert client.get(f"{BASE}/{cid}", headers=agent).status_code == 200
        assert client.get(f"{SUPPORT}/conversations/{cid}/customer", headers=agent).is_success
        rule = {"name": "Refunds", "condition": {"kind": "keyword", "keywords": ["refund"]}}
        rule_id = client.post(f"{SUPPORT}/escalation-rules", json=rule, headers=admin).json()[
            "rule_id"
        ]
        assert client.delete(f"{SUPPORT}/escalation-rules/{rule_id}", headers=admin).is_success
        entry = {"title": "Gift wrap?", "content": "Free at checkout.", "category": "orders"}
        entry_id = client.post(f"{SUPPORT}/knowledge-base", json=entry, headers=admin).json()["id"]
        changed = client.put(
            f"{SUPPORT}/knowledge-base/{entry_id}",
            json={"version": 1, "content": "Free at checkout, on every order."},
            headers=admin,
        )
        assert changed.is_success, changed.text

        events = audit(client, admin)
        actions = [(e["actor_id"], e["action"], e["target_id"]) for e in reversed(events)]
        assert actions == [
            ("admin_root", "agent.update", "agent_ana"),
            ("agent_ana", "conversation.read", cid),
            ("agent_ana", "customer.read", USER),
            ("admin_root", "rule.create", rule_id),
            ("admin_root", "rule.delete", rule_id),
            ("admin_root", "knowledge.create", entry_id),
            ("admin_root", "knowledge.update", entry_id),
        ]
        assert events[0]["details"] == {"version": 2, "fields": ["content"]}
        assert not any(e["actor_id"] == USER for e in events)  # the customer's own read

        mine = audit(client, admin, actor_id="agent_ana")
        assert {e["action"] for e in mine} == {"conversation.read", "customer.read"}
        assert [e["target_id"] for e in audit(client, admin, action="rule.delete")] == [rule_id]
        assert audit(client, admin, target_id=cid)[0]["action"] == "conversation.read"
        for caller in (agent, user):
            assert client.get(f"{SUPPORT}/audit", headers=caller).status_code == 403
        bad = client.get(
            f"{SUPPORT}/audit",
            params={"since": "2026-12-03T10:00:00Z", "until": "2026-12-03T09:00:00Z"},
            headers=admin,
        )
        assert bad.status_code == 422


def test_following_a_conversation_over_the_websocket_is_a_read(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, READINGS) as client:
        admin, user = login(client, "ADMIN", "admin_root"), login(client, "USER", USER)
        cid = client.post(BASE, headers=user).json()["conversation_id"]
        with client.websocket_connect(f"{SUPPORT}/ws", headers=admin) as ws:
            ws.send_json({"type": "SUBSCRIBE", "conversation_id": cid})
            assert ws.receive_json()["type"] in ("CONVERSATION_STATUS", "QUEUE_UPDATED")
        reads = audit(client, admin, action="conversation.read")
        assert [(e["actor_id"], e["target_id"]) for e in reads] == [("admin_root", cid)]


def test_the_database_refuses_to_change_or_delete_an_entry_outside_the_purge(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        admin = login(client, "ADMIN", "admin_root")
        register(client, admin, "agent_ana", display_name="Ana")
        assert len(audit(client, admin)) == 1
    settings = Settings(data_dir=tmp_path / "data", **({"database_url": ""} | backend))
    engine = engine_for(settings)
    for statement in ("UPDATE audit_log SET actor_id = 'someone_else'", "DELETE FROM audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), engine.begin() as db:
            db.execute(sa.text(statement))
    with engine.begin() as db:
        db.execute(sa.text("INSERT INTO audit_purge (before) VALUES (:t)"), {"t": "2999-01-01"})
        removed = db.execute(sa.text("DELETE FROM audit_log")).rowcount
        db.execute(sa.text("DELETE FROM audit_purge"))
    assert removed == 1
    engine.dispose()
