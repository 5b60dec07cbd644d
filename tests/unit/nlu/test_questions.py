"""Questions about the customer's own records, and the cues added with them."""

from __future__ import annotations

import pytest

from supportgraph.graph.nodes.understand import HUMAN_REQUEST
from supportgraph.nlu import patterns as p
from supportgraph.nlu.entities import EntityExtractor
from supportgraph.nlu.questions import record_question


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("What was the priciest thing in there, and what did it cost?", ["priciest_item"]),
        ("What did I pay for it with?", ["payment_used"]),
        ("What will my refunds come to, altogether?", ["refund_total"]),
        ("And what does that order come to now?", ["order_total"]),
        ("how much did the kettle cost", ["item_price"]),
        ("what's the tracking number?", ["tracking"]),
        ("Cancel #W1234567 and tell me how much I will get back", ["refund_total"]),
        ("I want to change the payment method of order #W1234567", []),
        ("Please return the kettle", []),
    ],
)
def test_that_a_record_question_names_its_figure(text: str, kinds: list[str]) -> None:
    assert record_question(text) == kinds


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("agent", True),
        ("can I talk to an agent", True),
        ("Get me a supervisor now", True),
        ("transfer me to a real person", True),
        ("If the agent asks for payment, I prefer paypal", False),
        ("your agent told me it would arrive", False),
    ],
)
def test_that_only_a_request_for_a_person_hands_off(text: str, asks: bool) -> None:
    assert bool(HUMAN_REQUEST.search(text)) is asks


def test_that_a_stated_preference_picks_the_first_method() -> None:
    assert p.payment_hint("I prefer paypal than GC.") == {"source": "paypal"}
    assert p.payment_hint("I would rather use my gift card than paypal") == {"source": "gift_card"}


def test_that_not_being_able_to_receive_it_is_not_needing_it() -> None:
    assert p.reason("I won't be able to receive it, I'm traveling") == "no longer needed"


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor()


def test_that_a_word_several_products_share_is_left_to_the_order(
    extractor: EntityExtractor,
) -> None:
    found = extractor.extract("Just the kettle, please")
    assert found["vague_products"] == [
        {"candidates": ["Electric Kettle", "Tea Kettle"], "excluded": False}
    ]
    assert "all_items" not in extractor.extract("Return the items in my order: the kettle")
    assert extractor.extract("I want to return the items")["all_items"] is True
    assert "vague_products" not in extractor.extract("the backpack with the camera compartment")


def test_that_the_end_of_an_order_number_is_read(extractor: EntityExtractor) -> None:
    assert extractor.extract("the order number ends in 66")["order_suffix"] == "66"
    assert "order_suffix" not in extractor.extract("the card ending in 4971")
