"""The responder is chosen once, from settings: flow by default, an LLM when a model is set."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.graph.responders.llm import LLMResponder, system_prompt
from supportgraph.graph.state import State
from supportgraph.services import build_responder
from supportgraph.settings import Settings


def test_that_no_model_means_the_flow_responder(tmp_path: Path) -> None:
    assert isinstance(build_responder(Settings(data_dir=tmp_path, model="")), FlowResponder)


def test_that_a_model_name_builds_an_openai_compatible_responder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    responder = build_responder(Settings(data_dir=tmp_path, model="openai:llama3.1"))
    assert isinstance(responder, LLMResponder)
    bound = responder.model
    assert bound.bound.model_name == "llama3.1"
    assert str(bound.bound.root_client.base_url).startswith("http://127.0.0.1:11434")
    names = {tool["function"]["name"] for tool in bound.kwargs["tools"]}
    assert "cancel_pending_order" in names and len(names) == 16


def test_that_the_system_prompt_carries_policy_customer_and_passages() -> None:
    state = State(
        customer={"user_id": "u1", "name": "A B", "order_ids": [], "payment_method_ids": []},
        retrieved=[{"id": "faq/refunds", "title": "Refunds", "text": "Refunds take 5-7 days."}],
    )
    prompt = system_prompt(state)
    assert "Cancel pending order" in prompt
    assert "Verified customer: u1" in prompt
    assert '<passage id="faq/refunds" title="Refunds">Refunds take 5-7 days.</passage>' in prompt
