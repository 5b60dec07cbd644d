"""Escalation rules: each condition kind, the evaluation order, and what invalid rules say."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from supportgraph.api.db import platform_engine, upgrade
from supportgraph.api.rules import (
    CONDITION_KINDS,
    DEFAULT_RULES,
    RuleBook,
    TurnFacts,
    parse_condition,
)
from supportgraph.api.tables import EscalationRule
from supportgraph.tests.fakes import TEST_KEYRING

CALM = TurnFacts(text="where is my order?", intent="order_status", confidence=0.9, sentiment=0.1)


def holds(condition: dict[str, Any], facts: TurnFacts) -> bool:
    return bool(parse_condition(condition).holds(facts))


def _copy(changes: dict[str, Any]) -> TurnFacts:
    fields = ("text", "intent", "confidence", "sentiment", "failures", "negative_turns")
    return TurnFacts(**{name: changes.get(name, getattr(CALM, name)) for name in fields})


def test_sentiment_below_a_threshold() -> None:
    rule = {"kind": "sentiment_below", "threshold": -0.5}
    assert holds(rule, _copy({"sentiment": -0.7}))
    assert not holds(rule, _copy({"sentiment": -0.5}))  # strictly below
    assert not holds(rule, CALM)


def test_an_intent() -> None:
    rule = {"kind": "intent", "intents": ["return_order", "exchange_order"]}
    assert holds(rule, _copy({"intent": "exchange_order"}))
    assert not holds(rule, CALM)


def test_a_keyword_as_a_whole_word_in_any_case() -> None:
    rule = {"kind": "keyword", "keywords": ["lawyer", "legal action", "sue"]}
    assert holds(rule, _copy({"text": "My LAWYER will hear of this"}))
    assert holds(rule, _copy({"text": "I will take legal\n action"}))
    assert not holds(rule, _copy({"text": "there is an issue with my lawyers' order"}))
    assert not holds(rule, _copy({"text": "this is a pursued issue"}))  # 'sue' inside words


def test_repeated_failure() -> None:
    rule = {"kind": "repeated_failure", "at_least": 2}
    assert holds(rule, _copy({"failures": 2}))
    assert not holds(rule, _copy({"failures": 1}))


def test_negative_turns_in_a_row() -> None:
    rule = {"kind": "negative_turns", "at_least": 2}
    assert holds(rule, _copy({"negative_turns": 3}))
    assert not holds(rule, _copy({"negative_turns": 1}))


def test_the_customer_asking_for_a_person() -> None:
    rule = {"kind": "customer_request"}
    assert holds(rule, _copy({"intent": "human_agent"}))
    assert not holds(rule, CALM)


def test_confidence_below_a_threshold() -> None:
    rule = {"kind": "confidence_below", "threshold": 0.3}
    assert holds(rule, _copy({"confidence": 0.1}))
    assert not holds(rule, CALM)


def test_all_any_and_not_combine_conditions() -> None:
    angry = {"kind": "sentiment_below", "threshold": -0.5}
    returning = {"kind": "intent", "intents": ["return_order"]}
    both = {"kind": "all", "conditions": [angry, returning]}
    either = {"kind": "any", "conditions": [angry, returning]}
    facts = _copy({"intent": "return_order", "sentiment": 0.2})
    assert not holds(both, facts)
    assert holds(either, facts)
    assert holds({"kind": "not", "condition": angry}, facts)
    assert not holds({"kind": "not", "condition": returning}, facts)


def test_every_condition_kind_is_tested_here() -> None:
    assert set(CONDITION_KINDS) == {
        "sentiment_below",
        "intent",
        "keyword",
        "repeated_failure",
        "negative_turns",
        "customer_request",
        "confidence_below",
        "all",
        "any",
        "not",
    }


@pytest.mark.parametrize(
    "condition",
    [
        {"kind": "sentiment_below"},
        {"kind": "sentiment_below", "threshold": -3},
        {"kind": "keyword", "keywords": []},
        {"kind": "keyword", "keywords": ["  "]},
        {"kind": "intent", "intents": ["x"], "extra": 1},
        {"kind": "weather"},
        {
            "kind": "not",
            "condition": {
                "kind": "not",
                "condition": {
                    "kind": "not",
                    "condition": {
                        "kind": "not",
                        "condition": {"kind": "not", "condition": {"kind": "customer_request"}},
                    },
                },
            },
        },
    ],
)
def test_invalid_conditions_are_refused(condition: dict[str, Any]) -> None:
    with pytest.raises((ValidationError, ValueError)):
        parse_condition(condition)


@pytest.fixture
def book(tmp_path: Path) -> RuleBook:
    url = f"sqlite:///{tmp_path / 'platform.db'}"
    upgrade(url)
    return RuleBook(platform_engine(url, keyring=TEST_KEYRING), reload_seconds=3600)


def _rule(rule_id: str, order: int, condition: dict[str, Any], **action: Any) -> EscalationRule:
    return EscalationRule(
        id=rule_id, name=rule_id, priority=order, condition=condition, action=action
    )


def test_a_new_installation_starts_with_the_default_rules(book: RuleBook) -> None:
    assert [row.id for row in book.rows()] == [rule["id"] for rule in DEFAULT_RULES]
    match = book.match(_copy({"text": "I am calling my lawyer about this chargeback"}))
    assert match is not None
    assert (match.rule_id, match.priority, match.specialization) == (
        "rule_legal_threat",
        "URGENT",
        "escalations",
    )


def test_rules_are_evaluated_lowest_priority_first_and_the_first_match_decides(
    book: RuleBook,
) -> None:
    for row in book.rows():
        book.delete(row.id)
    angry = {"kind": "sentiment_below", "threshold": -0.5}
    returning = {"kind": "intent", "intents": ["return_order"]}
    book.save(_rule("rule_returns", 50, returning, priority="MEDIUM", specialization="returns"))
    book.save(_rule("rule_angry", 10, angry, priority="HIGH"))
    facts = _copy({"intent": "return_order", "sentiment": -0.8})

    first = book.match(facts)
    assert first is not None and (first.rule_id, first.priority) == ("rule_angry", "HIGH")

    book.save(_rule("rule_angry", 90, angry, priority="HIGH"))  # now evaluated after returns
    second = book.match(facts)
    assert second is not None
    assert (second.rule_id, second.specialization) == ("rule_returns", "returns")
    assert book.match(CALM) is None


def test_a_disabled_rule_never_matches(book: RuleBook) -> None:
    row = book.get("rule_customer_request")
    assert row is not None
    row.enabled = False
    book.save(row)
    assert book.match(_copy({"intent": "human_agent"})) is None


def test_an_edit_reaches_another_process_within_the_reload(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    upgrade(url)
    editor = RuleBook(platform_engine(url, keyring=TEST_KEYRING), reload_seconds=3600)
    reader = RuleBook(platform_engine(url, keyring=TEST_KEYRING), reload_seconds=0)
    assert reader.match(_copy({"text": "refund or I dispute it"})) is None
    editor.save(_rule("rule_dispute", 1, {"kind": "keyword", "keywords": ["dispute"]}))
    match = reader.match(_copy({"text": "refund or I dispute it"}))
    assert match is not None and match.rule_id == "rule_dispute"
