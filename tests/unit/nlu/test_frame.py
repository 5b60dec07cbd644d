"""Several requests in one message, verb-led intents and option literals."""

from __future__ import annotations

import pytest

from supportgraph.nlu.frame import split_requests, verb_intent
from supportgraph.nlu.literals import option_changes


def test_that_each_action_of_a_message_starts_its_own_request() -> None:
    text = (
        "Hi, I'm Jane. Please return the kettle from #W1234567 to PayPal. "
        "Also cancel order #W7654321, I ordered it by mistake. Thanks!"
    )
    assert split_requests(text) == [
        "Hi, I'm Jane. Please return the kettle from #W1234567 to PayPal.",
        "Also cancel order #W7654321, I ordered it by mistake. Thanks!",
    ]


def test_that_details_after_an_action_stay_with_it() -> None:
    text = (
        "Return #W4597054 via gift_card_3491931: Coffee Maker; Smart Watch; Cancel order #W4836353."
    )
    assert split_requests(text) == [
        "Return #W4597054 via gift_card_3491931: Coffee Maker; Smart Watch;",
        "Cancel order #W4836353.",
    ]
    assert split_requests("I want to exchange my kettle. The refund can go to PayPal.") == [
        "I want to exchange my kettle. The refund can go to PayPal."
    ]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Return #W5257743 via paypal_6882355: T-Shirt;", "return_items"),
        ("Cancel order #W1 because no longer needed.", None),  # no full order id
        ("Cancel order #W5765741 because ordered by mistake.", "cancel_order"),
        ("For #W1430028, change payment to credit_card_3414703.", "modify_order_payment"),
        ("For #W1430028, change address to 419 Main Street.", "modify_order_address"),
        ("For #W1430028, modify Running Shoes to yellow.", "modify_order_items"),
        ("I'd like to exchange the mouse from order #W7273336.", "exchange_items"),
        ("Return policy for order #W7273336?", None),
        ("What is the status of #W7273336?", None),
    ],
)
def test_that_a_leading_action_verb_names_the_intent(text: str, intent: str | None) -> None:
    assert verb_intent(text) == intent


def test_that_option_literals_belong_to_the_product_before_them() -> None:
    text = (
        "exchange Jigsaw Puzzle {'pieces': '2000', 'theme': 'fantasy'} to {'pieces': '500'}; "
        "Air Purifier {'room size': 'medium'} to {}; Lamp {'color': 'white'}"
    )
    mentions = [
        (9, 22, "Jigsaw Puzzle"),
        (text.index("Air"), text.index("Air") + 12, "Air Purifier"),
    ]
    mentions.append((text.index("Lamp"), text.index("Lamp") + 4, "Desk Lamp"))
    changes = [c.as_dict() for c in option_changes(text, mentions)]
    assert changes == [
        {
            "product": "Jigsaw Puzzle",
            "current": {"pieces": "2000", "theme": "fantasy"},
            "wanted": {"pieces": "500"},
        },
        {"product": "Air Purifier", "current": {"room size": "medium"}, "wanted": {}},
        {"product": "Desk Lamp", "current": {"color": "white"}, "wanted": None},
    ]


def test_that_anything_but_a_flat_mapping_of_strings_is_not_a_literal() -> None:
    mentions = [(0, 6, "Kettle")]
    assert option_changes("Kettle {__import__('os')}", mentions) == []
    assert option_changes("Kettle {'a': ['b']}", mentions) == []
    assert option_changes("Kettle {1, 2}", mentions) == []
