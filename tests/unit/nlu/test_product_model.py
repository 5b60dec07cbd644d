"""The product intent model trained from the shipped data, through the NLU pipeline."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from supportgraph.nlu.dataset import HELDOUT_PATH, TRAIN_PATH
from supportgraph.nlu.pipeline import NLU
from supportgraph.nlu.schema import INTENTS, Understanding


@pytest.mark.parametrize(
    "text, intent",
    [
        ("Hi there!", "greeting"),
        ("thank you so much", "thanks"),
        ("yes, go ahead", "affirm"),
        ("my email is mia.jackson5798@example.com", "identify"),
        ("I want to cancel order #W1234567, I ordered it by mistake", "cancel_order"),
        ("Where is my order #W2611340? It hasn't arrived", "order_status"),
        ("I'd like to return the water bottle I received last week", "return_items"),
        ("I want to talk to a human agent", "human_agent"),
        ("What is your return policy?", "policy_question"),
        ("what's the weather like in Paris tomorrow?", "out_of_scope"),
    ],
)
def test_that_clear_messages_get_their_intent(nlu: NLU, text: str, intent: str) -> None:
    assert nlu.understand(text).intent == intent


@pytest.mark.parametrize(
    "text, intent",
    [
        (
            "I've moved. Could you send #W1234567 to 12 Oak Street, Austin, TX 78701?",
            "modify_order_address",
        ),
        (
            "Please change the Espresso Machine for 15 bar. Any difference can go to my PayPal.",
            "modify_order_items",
        ),
        (
            "I'd like to exchange the wall clock for the black one from order #W7654321. Use my "
            "credit card for the price difference.",
            "exchange_items",
        ),
        ("Hi! I need help with my orders. My email address is mia.li3818@example.com.", "identify"),
        ("Hi, I'm Chen Anderson, email chen.anderson8078@example.com.", "identify"),
        ("Hi! I need some help with my orders. I'm Lei Anderson, 76192.", "identify"),
        ("That's all for today, thanks for your help", "goodbye"),
    ],
)
def test_that_requests_with_identity_or_details_keep_their_intent(
    nlu: NLU, text: str, intent: str
) -> None:
    assert nlu.understand(text).intent == intent


@pytest.mark.parametrize(
    "text, intent",
    [
        ("no longer needed", "cancel_order"),
        ("I ordered it by mistake", "cancel_order"),
        ("the pending one", "identify"),
        ("the one with the kettle", "identify"),
        ("the red one", "identify"),
        ("my mastercard ending in 4971", "identify"),
    ],
)
def test_that_bare_answers_are_details_not_small_talk_or_new_questions(
    nlu: NLU, text: str, intent: str
) -> None:
    assert nlu.understand(text).intent == intent


def test_that_understanding_carries_entities_sentiment_and_ranking(nlu: NLU) -> None:
    result = nlu.understand(
        "Hi, I'm Omar Anderson, zip 19031. I want to return the wall clock "
        "from #W6067464, it arrived broken."
    )
    assert isinstance(result, Understanding)
    assert result.intent == "return_items" and 0 < result.confidence <= 1
    assert result.entities["order_ids"] == ["#W6067464"]
    assert result.entities["product_types"] == ["Wall Clock"]
    assert result.sentiment < 0
    assert result.ranking[0][0] == "return_items"
    assert all(label in INTENTS for label, _ in result.ranking)


def test_that_load_reuses_the_trained_model(models_dir: Path, nlu: NLU) -> None:
    start = time.perf_counter()
    again = NLU.load(models_dir)
    assert again is nlu
    assert time.perf_counter() - start < 1.0


def test_that_the_shipped_sets_use_product_labels_and_do_not_overlap() -> None:
    train = [json.loads(line) for line in TRAIN_PATH.read_text().splitlines()]
    heldout = [json.loads(line) for line in HELDOUT_PATH.read_text().splitlines()]
    assert {r["label"] for r in train} == set(INTENTS)
    assert {r["label"] for r in heldout} <= set(INTENTS)
    assert not {r["text"] for r in train} & {r["text"] for r in heldout}
