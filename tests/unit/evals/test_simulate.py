"""Simulated-user conversations: a scripted customer model talks to the real graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from supportgraph.evals.conversations import load_examples
from supportgraph.evals.simulate import (
    GREETING,
    STOP,
    build_user_model,
    instruction_for,
    simulate_conversation,
)
from supportgraph.graph.responders.flow import FlowResponder
from supportgraph.services import Services
from supportgraph.settings import Settings
from supportgraph.tests.fakes import EmptyKnowledge, PassGuardrail, ReactiveChatModel, ScriptedNLU

# train-40: "Your email is olivia.sanchez1894@example.com ... Cancel order #W5101035 because no
# longer needed." Its gold action is that one cancellation.
TASK_ID = "train-40"
EMAIL = "olivia.sanchez1894@example.com"
ORDER = "#W5101035"
USAGE = {"input_tokens": 100, "output_tokens": 10, "total_tokens": 110}

# The customer's lines, keyed by what the agent's last reply asks for.
LINES = {
    GREETING: f"Hi, I'd like to cancel my order {ORDER}.",
    "verify your identity": f"Sure, my email is {EMAIL}.",
    "reason for cancelling": "I no longer need it.",
}
READINGS: dict[str, tuple[str, dict[str, Any]]] = {
    LINES[GREETING]: ("cancel_order", {"order_ids": [ORDER]}),
    LINES["verify your identity"]: ("identify", {"email": EMAIL}),
    LINES["reason for cancelling"]: ("cancel_order", {"reason": "no longer needed"}),
    "Yes, please.": ("affirm", {}),
    "No, leave it.": ("deny", {}),
}


@pytest.fixture
def example() -> dict[str, Any]:
    return next(e for e in load_examples() if e["inputs"]["task_id"] == TASK_ID)


@pytest.fixture
def factory(commerce: Any) -> Callable[[], Services]:
    def build() -> Services:
        return Services(
            commerce=commerce,
            knowledge=EmptyKnowledge(),
            nlu=ScriptedNLU(READINGS),
            guardrails=PassGuardrail(),
            responder=FlowResponder(),
        )

    return build


def customer(confirm: str) -> Callable[[list[BaseMessage]], AIMessage]:
    """A rule-based customer: answers what the agent asks, confirms, stops once it is done."""

    def reply(messages: list[BaseMessage]) -> AIMessage:
        assert isinstance(messages[0], SystemMessage) and ORDER in str(messages[0].content)
        agent = str(messages[-1].content)
        assert isinstance(messages[-1], HumanMessage), "the agent speaks as the human"
        if "yes or no" in agent:
            line = confirm
        elif "cancelled" in agent or "haven't changed anything" in agent:
            line = STOP
        else:
            line = next(text for asked, text in LINES.items() if asked in agent)
        return AIMessage(content=line, usage_metadata=USAGE)

    return reply


@pytest.mark.asyncio
async def test_that_a_simulated_cancellation_is_confirmed_and_scored_by_the_store_hash(
    example: dict[str, Any], factory: Callable[[], Services], commerce: Any
) -> None:
    user = ReactiveChatModel(script=[customer("Yes, please.")] * 5)
    result = await simulate_conversation(example, factory, user)

    assert result.customer_lines == [*LINES.values(), "Yes, please.", STOP]
    assert result.ended == "stop" and result.turns == 4
    assert result.hash_ok and result.success, result.transcript
    assert result.store_hash == example["outputs"]["store_hash"]
    answer = next(line for line in result.transcript if line.get("answers"))
    assert answer["text"] == "Yes, please."
    assert answer["answers"]["name"] == "cancel_pending_order"
    assert (await commerce.get_order(ORDER))["status"] == "cancelled"
    assert result.user_usage == {
        "input_tokens": 500,
        "output_tokens": 50,
        "calls": 5,
        "total_tokens": 550,
    }
    assert result.agent_usage["calls"] == 0, "the flow responder calls no model"
    assert any(e["kind"] == "tool" and ORDER in e["text"] for e in result.evidence)
    assert result.to_dict()["ended"] == "stop"


@pytest.mark.asyncio
async def test_that_a_declined_confirmation_fails_the_hash(
    example: dict[str, Any], factory: Callable[[], Services], commerce: Any
) -> None:
    user = ReactiveChatModel(script=[customer("No, leave it.")] * 5)
    result = await simulate_conversation(example, factory, user)

    assert result.ended == "stop"
    assert not result.hash_ok and not result.success
    assert (await commerce.get_order(ORDER))["status"] == "pending"


@pytest.mark.asyncio
async def test_that_a_customer_who_never_stops_is_cut_at_max_turns(
    example: dict[str, Any], factory: Callable[[], Services]
) -> None:
    user = ReactiveChatModel(script=[customer("Yes, please.")] * 2)
    result = await simulate_conversation(example, factory, user, max_turns=2)

    assert result.ended == "max_turns" and result.turns == 2
    assert not result.success


@pytest.mark.asyncio
async def test_that_a_failing_customer_model_is_reported_not_raised(
    example: dict[str, Any], factory: Callable[[], Services]
) -> None:
    result = await simulate_conversation(example, factory, ReactiveChatModel(script=[]))

    assert result.ended == "error" and "AssertionError" in result.error
    assert not result.success


@pytest.mark.asyncio
async def test_that_an_example_without_a_task_cannot_be_simulated(
    factory: Callable[[], Services],
) -> None:
    refusal = next(e for e in load_examples() if e["inputs"]["task_id"].startswith("refusal"))
    assert instruction_for(refusal) is None
    with pytest.raises(ValueError, match="no instruction"):
        await simulate_conversation(refusal, factory, ReactiveChatModel(script=[]))


def test_that_the_instruction_comes_from_the_task(example: dict[str, Any]) -> None:
    instruction = instruction_for(example)
    assert instruction is not None and EMAIL in instruction and ORDER in instruction


def test_that_the_user_model_defaults_to_the_agent_model_and_is_none_without_one() -> None:
    assert build_user_model(Settings(model="", user_model="")) is None
    agent_default = build_user_model(Settings(model="openai:gpt-4o-mini", user_model=""))
    assert isinstance(agent_default, ChatOpenAI) and agent_default.model_name == "gpt-4o-mini"
    own = build_user_model(Settings(model="openai:gpt-4o", user_model="openai:llama3:8b"))
    assert isinstance(own, ChatOpenAI) and own.model_name == "llama3:8b"
    assert str(own.root_client.base_url).startswith("http://127.0.0.1:9/v1")
