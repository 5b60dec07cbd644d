"""Observability over the app: the Prometheus scrape after real turns, and turn traces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from supportgraph.api.metrics import ERROR_KINDS, OUTCOMES
from supportgraph.api.tracing import conversation_hash
from supportgraph.tests.integration.test_conversations_api import (
    BASE,
    EMAIL,
    USER,
    bearer,
    client_for,
    invoke,
    login,
)

WS = "/api/v1/support/ws"
HELLO = "hello there, quick question about the shop"
THANKS = "thanks, that settles my question"
ASK_HUMAN = "let me talk to a real person about this"
IDENTIFY = f"my email is {EMAIL}"
READINGS = {
    HELLO: ("greeting", {}),
    THANKS: ("greeting", {}),
    ASK_HUMAN: ("human_agent", {}),
    IDENTIFY: ("provide_identity", {"email": EMAIL}),
}
TEXTS = (HELLO, THANKS, ASK_HUMAN, IDENTIFY)


def scrape(client: TestClient, headers: dict[str, str] | None = None) -> list[Sample]:
    """Every sample of a `/metrics` scrape, parsed as Prometheus does."""
    response = client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return [s for f in text_string_to_metric_families(response.text) for s in f.samples]


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The one sample with this name and these labels."""
    found = [s.value for s in samples if s.name == name and s.labels == labels]
    assert len(found) == 1, f"{name}{labels}: {found}"
    return found[0]


def say(client: TestClient, cid: str, text: str, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(f"{BASE}/{cid}/message", json={"content": text}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def until_final(ws: Any) -> dict[str, Any]:
    while True:
        event = ws.receive_json()
        assert event["type"] != "ERROR", event
        if event["type"] == "AI_RESPONSE" and event["final"]:
            return dict(event)


def test_that_a_scrape_counts_turns_nodes_outcomes_connections_and_the_queue(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, READINGS) as client:
        user = login(client, "USER", USER)
        chat = client.post(BASE, headers=user).json()["conversation_id"]
        assert say(client, chat, HELLO, user)["escalated"] is False
        assert invoke(client, chat, THANKS, user).status_code == 200  # LangServe
        rated = client.post(f"{BASE}/{chat}/feedback", json={"rating": 4}, headers=user)
        assert rated.status_code in (200, 201), rated.text
        handoff = client.post(BASE, headers=user).json()["conversation_id"]
        assert say(client, handoff, ASK_HUMAN, user)["escalated"] is True

        with client.websocket_connect(WS, headers=user) as ws:
            ws.send_json({"type": "SEND_MESSAGE", "conversation_id": chat, "content": HELLO})
            until_final(ws)
            assert value(scrape(client), "supportgraph_websocket_connections") == 1
        samples = scrape(client)

    assert value(samples, "supportgraph_websocket_connections") == 0
    turns = 4
    assert value(samples, "supportgraph_turn_seconds_count", node="turn") == turns
    assert value(samples, "supportgraph_turns_total", outcome="escalated") == 1
    assert value(samples, "supportgraph_turns_total", outcome="automated") == turns - 1
    assert value(samples, "supportgraph_turns_total", outcome="error") == 0
    assert value(samples, "supportgraph_intent_confidence_count") == turns
    assert value(samples, "supportgraph_intent_confidence_sum") > 0
    assert value(samples, "supportgraph_queue_waiting") == 1
    assert value(samples, "supportgraph_csat") == 4
    assert value(samples, "supportgraph_tokens_total", kind="input") == 0  # flow responder
    assert not [s for s in samples if s.name == "supportgraph_cost_usd_total" and s.value]

    timed = {
        s.labels["node"]: s.value for s in samples if s.name == "supportgraph_turn_seconds_count"
    }
    graph_nodes = set(client.app.state.agent.graph.get_graph().nodes) - {"__start__", "__end__"}
    assert {"understand", "safety", "respond", "escalate"} <= set(timed) <= graph_nodes | {"turn"}
    assert timed["understand"] == turns  # once per turn, not once per runnable inside it
    vocabulary = graph_nodes | {"turn", "input", "output"} | set(OUTCOMES) | set(ERROR_KINDS)
    labels = {v for s in samples for k, v in s.labels.items() if k != "le"}
    assert labels <= vocabulary
    assert not [v for v in labels for text in TEXTS if text in v]


def test_that_the_scrape_asks_for_the_metrics_token_when_one_is_set(
    commerce: Any, tmp_path: Path
) -> None:
    with client_for(commerce, tmp_path, READINGS, metrics_token="scrape-secret") as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers=bearer("wrong")).status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Basic eA=="}).status_code == 401
        samples = scrape(client, bearer("scrape-secret"))
        assert value(samples, "supportgraph_turns_total", outcome="automated") == 0


def test_that_a_traced_turn_has_a_span_per_node_and_no_customer_text(
    commerce: Any, tmp_path: Path
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with client_for(commerce, tmp_path, READINGS) as client:
        client.app.state.agent.tracer = provider.get_tracer("test")
        started = client.post(BASE).json()
        cid, token = started["conversation_id"], started["conversation_token"]
        say(client, cid, IDENTIFY, bearer(token))

    spans = exporter.get_finished_spans()
    turn = next(s for s in spans if s.name == "supportgraph.turn")
    nodes = [s for s in spans if s.name.startswith("supportgraph.node.")]
    assert {"supportgraph.node.understand", "supportgraph.node.respond"} <= {s.name for s in nodes}
    assert all(s.parent is not None and s.parent.span_id == turn.context.span_id for s in nodes)
    assert dict(turn.attributes or {}) == {
        "supportgraph.conversation": conversation_hash(cid),
        "supportgraph.outcome": "automated",
        "supportgraph.intent": "provide_identity",
        "supportgraph.confidence": 0.99,
    }
    values = [str(v) for s in spans for v in (s.attributes or {}).values()]
    assert not [v for v in values if cid in v or EMAIL in v or "email" in v]
