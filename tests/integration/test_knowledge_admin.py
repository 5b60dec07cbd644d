"""Knowledge-base administration: entries an admin adds are cited at once, deletions stick."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from supportgraph.api.auth import Authenticator, Role
from supportgraph.api.db import engine_for, upgrade
from supportgraph.api.deps import Access
from supportgraph.api.knowledge_routes import build_knowledge_router
from supportgraph.api.limits import RateLimits
from supportgraph.api.tables import Conversation, Feedback, KnowledgeCitation, Message, Sender
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.knowledge import documents as shipped
from supportgraph.knowledge.documents import Document
from supportgraph.knowledge.entries import KnowledgeService, seed_entries
from supportgraph.services import Services, build_knowledge
from supportgraph.settings import Settings
from supportgraph.tests.fakes import PassGuardrail, ScriptedNLU
from supportgraph.tests.unit.knowledge.test_entries import RecordingIndex

KB = "/api/v1/support/knowledge-base"
CONVERSATIONS = "/api/v1/support/conversations"
QUESTION = "Do you offer gift wrapping?"
READINGS: dict[str, tuple[str, dict[str, Any]]] = {QUESTION: ("product_info", {})}
"""What the product's intent model reads the question as: a product question."""
GIFT_WRAP = {
    "title": "Do you offer gift wrapping?",
    "content": "Yes: gift wrapping is free. Choose Gift wrap at checkout and add a card message.",
    "category": "orders",
    "tags": ["gift", "packaging"],
}


def settings_in(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url="", redis_url="", chroma_url="")


def token(settings: Settings, role: Role, subject: str) -> dict[str, str]:
    pair = Authenticator(settings).issue_pair(role, subject)
    return {"Authorization": f"Bearer {pair['access_token']}"}


def with_knowledge_routes(app: FastAPI, settings: Settings, kb: Any) -> FastAPI:
    """Mount the knowledge-base router unless the app already serves it."""
    if not any(getattr(route, "path", "") == KB for route in app.routes):
        service = KnowledgeService(engine_for(settings), kb)
        access = Access(Authenticator(settings), RateLimits(settings.redis_url))
        app.include_router(build_knowledge_router(service, access))
    return app


@dataclass
class Running:
    """The served app and the knowledge base behind it."""

    client: TestClient
    kb: Any


@contextmanager
def serving(settings: Settings, commerce: Any) -> Iterator[Running]:
    """Run the server on these settings, with the real knowledge base (Chroma and MiniLM)."""
    from supportgraph.server import create_app

    knowledge = build_knowledge(settings)
    services = Services(
        commerce=commerce,
        knowledge=knowledge,
        nlu=ScriptedNLU(READINGS),
        guardrails=PassGuardrail(),
        responder=FlowResponder(),
    )
    app = with_knowledge_routes(create_app(settings, services=services), settings, knowledge)
    with TestClient(app) as client:
        yield Running(client, knowledge)


def ask(client: TestClient, text: str) -> tuple[str, list[str]]:
    """Ask in a new anonymous conversation; the answer and the knowledge-base ids it cites.

    The ids are read from the stored message; the graph's own reply must agree with it.
    """
    started = client.post(CONVERSATIONS).json()
    cid = started["conversation_id"]
    headers = {"Authorization": f"Bearer {started['conversation_token']}"}
    sent = client.post(f"{CONVERSATIONS}/{cid}/message", json={"content": text}, headers=headers)
    assert sent.status_code == 200, sent.text
    stored = client.get(f"{CONVERSATIONS}/{cid}", headers=headers).json()["messages"][-1]
    assert stored["sender"] == "AI" and stored["content"] == sent.json()["ai_response"]
    refs = [c["ref"] for c in stored["citations"] if c["source"] == "kb"]
    # The graph's reply, read from its checkpoint on the app's event loop.
    graph = client.app.state.agent.graph  # type: ignore[attr-defined]
    portal: Any = client.portal
    state = portal.call(graph.aget_state, {"configurable": {"thread_id": cid}})
    cites = state.values["messages"][-1].response_metadata.get("citations", [])
    assert [c["ref"] for c in cites if c["source"] == "kb"] == refs
    return sent.json()["ai_response"], refs


def listed_ids(client: TestClient, headers: dict[str, str], **params: Any) -> list[str]:
    listed = client.get(KB, params=params, headers=headers)
    assert listed.status_code == 200, listed.text
    return [item["id"] for item in listed.json()["items"]]


async def indexed_ids(kb: Any, query: str) -> list[str]:
    return [p.id for p in await kb.search(query, k=10)]


@pytest.mark.asyncio
async def test_that_an_added_entry_is_cited_at_once_and_a_deleted_one_never_again(
    commerce: Any, tmp_path: Path
) -> None:
    settings = settings_in(tmp_path)
    admin = token(settings, Role.ADMIN, "admin_ava")
    with serving(settings, commerce) as running:
        client = running.client
        answer, refs = ask(client, QUESTION)
        assert refs == [] and "gift wrap" not in answer.lower()

        created = client.post(KB, json=GIFT_WRAP, headers=admin)
        assert created.status_code == 201, created.text
        entry = created.json()
        entry_id = entry["id"]
        assert entry_id.startswith("kb_") and entry["version"] == 1
        assert (entry["source"], entry["updated_by"]) == ("admin", "admin_ava")
        answer, refs = ask(client, QUESTION)
        assert refs == [entry_id] and GIFT_WRAP["content"] in answer

        changed = "Gift wrapping costs $2 per order; choose it at checkout."
        body = {"version": 1, "content": changed}
        updated = client.put(f"{KB}/{entry_id}", json=body, headers=admin)
        assert updated.status_code == 200, updated.text
        assert updated.json()["version"] == 2 and updated.json()["title"] == GIFT_WRAP["title"]
        answer, refs = ask(client, QUESTION)
        assert refs == [entry_id] and changed in answer and GIFT_WRAP["content"] not in answer
        usage = client.get(f"{KB}/{entry_id}", headers=admin).json()["usage_count"]
        assert usage == 2  # The two answers that cited it.

        deleted = client.delete(f"{KB}/{entry_id}", params={"version": 2}, headers=admin)
        assert deleted.status_code == 204, deleted.text
        answer, refs = ask(client, QUESTION)
        assert entry_id not in refs and "gift wrap" not in answer.lower()
        assert entry_id not in listed_ids(client, admin, q="gift wrapping")
        assert entry_id not in await indexed_ids(running.kb, QUESTION)
        assert client.get(f"{KB}/{entry_id}", headers=admin).status_code == 404

    with serving(settings, commerce) as restarted:
        answer, refs = ask(restarted.client, QUESTION)
        assert entry_id not in refs and "gift wrap" not in answer.lower()
        assert entry_id not in listed_ids(restarted.client, admin, q="gift")
        assert entry_id not in await indexed_ids(restarted.kb, QUESTION)
        assert restarted.client.get(f"{KB}/{entry_id}", headers=admin).status_code == 404


@pytest.mark.asyncio
async def test_that_a_restart_keeps_an_admins_deletion_and_edit_and_adds_a_new_shipped_entry(
    commerce: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_in(tmp_path)
    admin = token(settings, Role.ADMIN, "admin_ava")
    with serving(settings, commerce) as running:
        client = running.client
        cancel = client.get(f"{KB}/policy/cancel-pending-order", headers=admin)
        assert cancel.status_code == 200 and cancel.json()["category"] == "cancel"
        deleted = client.delete(f"{KB}/policy/cancel-pending-order", headers=admin)
        assert deleted.status_code == 204
        # The slash of an id may also be sent percent-encoded.
        body = {"version": 1, "content": "Ten days."}
        edited = client.put(f"{KB}/faq%2Frefund-timing", json=body, headers=admin)
        assert edited.status_code == 200, edited.text

    loader = shipped.load_documents
    added = Document("faq/gift-receipts", "Do you include gift receipts?", "On request.", "faq")
    monkeypatch.setattr(shipped, "load_documents", lambda: [*loader(), added])
    with serving(settings, commerce) as restarted:
        again, kb = restarted.client, restarted.kb
        assert again.get(f"{KB}/policy/cancel-pending-order", headers=admin).status_code == 404
        refunds = again.get(f"{KB}/faq/refund-timing", headers=admin).json()
        assert (refunds["content"], refunds["version"]) == ("Ten days.", 2)
        assert again.get(f"{KB}/faq/gift-receipts", headers=admin).json()["source"] == "faq"
        assert "faq/gift-receipts" in await indexed_ids(kb, "gift receipts")
        assert "policy/cancel-pending-order" not in await indexed_ids(kb, "cancel pending order")
        found = {p.id: p.text for p in await kb.search("how long does a refund take", k=10)}
        assert found["faq/refund-timing"] == "Ten days."


@pytest.fixture
def light(tmp_path: Path) -> Iterator[tuple[TestClient, Settings, Any]]:
    """Just the knowledge-base router, over a seeded table and an in-memory index."""
    settings = settings_in(tmp_path)
    upgrade(settings.store_url)
    engine = engine_for(settings)
    seed_entries(engine, shipped.load_documents())
    app = FastAPI()
    access = Access(Authenticator(settings), RateLimits(""))
    app.include_router(build_knowledge_router(KnowledgeService(engine, RecordingIndex()), access))
    with TestClient(app) as client:
        yield client, settings, engine
    engine.dispose()


def test_that_customers_may_not_read_agents_only_read_and_admins_write(
    light: tuple[TestClient, Settings, Any],
) -> None:
    client, settings, _ = light
    entry = f"{KB}/faq/refund-timing"
    writes = [
        ("post", KB, {"json": GIFT_WRAP}),
        ("put", entry, {"json": {"version": 1, "title": "New"}}),
        ("delete", entry, {}),
    ]
    reads = [("get", KB, {}), ("get", entry, {})]
    customer = token(settings, Role.USER, "yusuf_rossi_9620")
    agent = token(settings, Role.AGENT, "agent_bo")
    for method, url, kwargs in reads + writes:
        assert client.request(method, url, **kwargs).status_code == 401
        assert client.request(method, url, headers=customer, **kwargs).status_code == 403
    for method, url, kwargs in reads:
        assert client.request(method, url, headers=agent, **kwargs).status_code == 200
    for method, url, kwargs in writes:
        denied = client.request(method, url, headers=agent, **kwargs)
        assert denied.status_code == 403 and denied.json()["detail"]["code"] == "forbidden"
    assert client.get(entry, headers=agent).json()["version"] == 1


def test_that_unknown_stale_and_invalid_requests_are_refused_clearly(
    light: tuple[TestClient, Settings, Any],
) -> None:
    client, settings, _ = light
    admin = token(settings, Role.ADMIN, "admin_ava")
    for missing in ("kb_0000", "faq/no-such-entry"):
        for method, kwargs in (("get", {}), ("put", {"json": {"version": 1}}), ("delete", {})):
            gone = client.request(method, f"{KB}/{missing}", headers=admin, **kwargs)
            assert gone.status_code == 404 and gone.json()["detail"]["code"] == "not_found"
    entry = f"{KB}/faq/refund-timing"
    assert client.put(
        entry, json={"version": 1, "title": "Refund timing?"}, headers=admin
    ).is_success
    stale = client.put(entry, json={"version": 1, "title": "Older"}, headers=admin)
    assert stale.status_code == 409 and stale.json()["detail"]["code"] == "stale_version"
    assert "version 2" in stale.json()["detail"]["message"]
    assert client.delete(entry, params={"version": 1}, headers=admin).status_code == 409
    assert client.get(entry, headers=admin).json()["title"] == "Refund timing?"
    invalid = {
        "title": {**GIFT_WRAP, "title": "   "},
        "content": {**GIFT_WRAP, "content": ""},
        "title too long": {**GIFT_WRAP, "title": "t" * 301},
        "content too long": {**GIFT_WRAP, "content": "c" * 20_001},
        "too many tags": {**GIFT_WRAP, "tags": [f"t{n}" for n in range(21)]},
        "tag too long": {**GIFT_WRAP, "tags": ["x" * 41]},
        "unknown field": {**GIFT_WRAP, "source": "policy"},
        "NUL character": {**GIFT_WRAP, "content": "a\x00b"},
    }
    for case, body in invalid.items():
        refused = client.post(KB, json=body, headers=admin)
        assert refused.status_code == 422, case
    assert client.post(KB, json={**GIFT_WRAP, "title": "t" * 300}, headers=admin).status_code == 201
    assert client.put(entry, json={"title": "no version"}, headers=admin).status_code == 422
    assert client.put(entry, json={"version": 2**63}, headers=admin).status_code == 422
    assert (
        client.put(entry, json={"version": 2, "tags": ["x"] * 21}, headers=admin).status_code == 422
    )
    assert client.get(KB, params={"size": 101}, headers=admin).status_code == 422
    assert client.get(KB, params={"q": "a\x00b"}, headers=admin).status_code == 422
    listed = client.get(KB, params={"category": "cancel", "size": 2}, headers=admin).json()
    assert listed["size"] == 2 and len(listed["items"]) == 2 and listed["total"] == 6
    assert {item["category"] for item in listed["items"]} == {"cancel"}


def test_that_usage_count_and_success_rate_follow_citations_and_feedback(
    light: tuple[TestClient, Settings, Any],
) -> None:
    client, settings, engine = light
    admin = token(settings, Role.ADMIN, "admin_ava")
    entry_id = client.post(KB, json=GIFT_WRAP, headers=admin).json()["id"]
    with Session(engine) as session:
        session.add(Conversation(id="conv_gifts"))
        session.flush()
        for n in range(3):
            session.add(
                Message(id=f"m{n}", conversation_id="conv_gifts", sender=Sender.AI, content="")
            )
        session.flush()
        for n in range(3):
            session.add(
                KnowledgeCitation(
                    message_id=f"m{n}", entry_id=entry_id, conversation_id="conv_gifts"
                )
            )
        # Two of the three counted pieces of feedback are positive; the comment counts not.
        for n, (message_id, helpful, rating) in enumerate(
            [("m0", True, 1), ("m1", None, 4), ("m1", None, 3), ("m2", None, None)]
        ):
            session.add(
                Feedback(
                    id=f"fb{n}",
                    conversation_id="conv_gifts",
                    message_id=message_id,
                    helpful=helpful,
                    rating=rating,
                )
            )
        session.commit()
    entry = client.get(f"{KB}/{entry_id}", headers=admin).json()
    assert entry["usage_count"] == 3 and entry["success_rate"] == pytest.approx(2 / 3)
    [listed] = client.get(KB, params={"q": "gift wrapping"}, headers=admin).json()["items"]
    assert (listed["usage_count"], listed["success_rate"]) == (3, entry["success_rate"])
    never = client.get(f"{KB}/faq/refund-timing", headers=admin).json()
    assert (never["usage_count"], never["success_rate"]) == (0, None)
