"""Routers and the policy gate are pure functions of the state."""

from __future__ import annotations

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from supportgraph.graph.confirmation import read_confirmation
from supportgraph.graph.policy import decide
from supportgraph.graph.routing import (
    escalation_reason,
    route_after_confirm,
    route_after_gate,
    route_after_respond,
    route_after_safety,
    route_after_tools,
    route_start,
)
from supportgraph.graph.state import Customer, State

CUSTOMER = Customer(
    user_id="u1", name="A B", order_ids=["#W1"], payment_method_ids=["credit_card_1"]
)


def call(name: str, **args: object) -> dict[str, object]:
    return {"name": name, "args": args, "id": "c1"}


def test_that_public_and_identity_tools_need_no_verification() -> None:
    for name in ("list_all_product_types", "get_product_details", "find_user_id_by_email"):
        assert decide(call(name), None).verdict == "allow"


def test_that_customer_data_needs_a_verified_owner() -> None:
    assert decide(call("get_order_details", order_id="#W1"), None).verdict == "deny"
    assert decide(call("get_order_details", order_id="#W1"), CUSTOMER).verdict == "allow"
    assert decide(call("get_order_details", order_id="#W2"), CUSTOMER).verdict == "deny"
    assert decide(call("get_user_details", user_id="u2"), CUSTOMER).verdict == "deny"
    assert decide(call("get_order_details"), CUSTOMER).verdict == "deny"


def test_that_writes_are_confirmed_only_on_the_customers_own_records() -> None:
    cancel = call("cancel_pending_order", order_id="#W1", reason="no longer needed")
    assert decide(cancel, CUSTOMER).verdict == "confirm"
    assert decide(cancel, None).verdict == "deny"
    foreign_card = call("modify_pending_order_payment", order_id="#W1", payment_method_id="x")
    assert decide(foreign_card, CUSTOMER).verdict == "deny"
    assert decide(call("modify_user_address", user_id="u1"), CUSTOMER).verdict == "confirm"
    assert decide(call("drop_tables"), CUSTOMER).verdict == "deny"


def test_that_only_an_unqualified_yes_confirms() -> None:
    for text in ("yes", "Yes, please go ahead.", "ok", "I confirm", "sure"):
        assert read_confirmation(text) is True, text
    for text in ("no", "No thanks", "don't"):
        assert read_confirmation(text) is False, text
    for text in ("yes but change the reason", "what?", "yesterday", "I said yes", ""):
        assert read_confirmation(text) is None, text


def test_that_escalation_reasons_follow_the_state() -> None:
    assert escalation_reason(State()) == ""
    assert escalation_reason(State(intent="human_agent")) == "requested"
    assert escalation_reason(State(negative_turns=2)) == "negative_sentiment"
    assert escalation_reason(State(failures=3)) == "repeated_failure"
    assert escalation_reason(State(tool_rounds=10)) == "tool_budget"
    assert escalation_reason(State(safety={"flagged": True, "tags": ["escalate"]})) == "guardrail"
    transfer = ToolMessage(
        content="Transfer successful", tool_call_id="c", name="transfer_to_human_agents"
    )
    assert escalation_reason(State(messages=[transfer])) == "transfer_tool"


def test_that_routers_send_each_state_to_its_node() -> None:
    assert route_start(State(escalation={"reason": "requested"})) == "escalate"
    assert route_start(State()) == "understand"
    assert route_after_safety(State(safety={"flagged": True, "tags": ["refuse"]})) == "refuse"
    assert route_after_safety(State(safety={"flagged": False, "tags": []})) == "retrieve"
    with_calls = AIMessage(content="", tool_calls=[call("think", thought="x")])
    assert route_after_respond(State(messages=[with_calls])) == "gate"
    assert route_after_respond(State(messages=[AIMessage(content="hi")])) == "__end__"
    assert route_after_gate(State(pending_action={"call": {}})) == "confirm"
    assert route_after_gate(State(ready_calls=[call("think")])) == "tools"
    assert route_after_gate(State()) == "respond"
    assert route_after_confirm(State(ready_calls=[call("think")])) == "tools"
    assert route_after_confirm(State(messages=[HumanMessage(content="no")])) == "understand"
    assert route_after_tools(State(failures=3)) == "escalate"
    assert route_after_tools(State()) == "respond"
