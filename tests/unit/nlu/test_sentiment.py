"""Sentiment sign on clear cases, and neutrality of routine support requests."""

from __future__ import annotations

import pytest

from supportgraph.nlu.sentiment import sentiment


@pytest.mark.parametrize(
    "text",
    [
        "This is the worst service ever, I'm furious",
        "The kettle arrived broken and the lid is cracked",
    ],
)
def test_that_angry_messages_score_negative(text: str) -> None:
    assert sentiment(text) < -0.3


def test_that_grateful_messages_score_positive() -> None:
    assert sentiment("Thank you so much, that was really helpful!") > 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Please cancel #W1234567, I no longer need it",
        "Refund it to my gift card",
        "I ordered it by mistake",
    ],
)
def test_that_routine_requests_stay_near_neutral(text: str) -> None:
    assert abs(sentiment(text)) < 0.35


def test_that_empty_text_is_neutral() -> None:
    assert sentiment("") == 0.0


def test_that_catalogue_words_carry_no_sentiment() -> None:
    assert abs(sentiment("Change the t-shirt to size L")) < 0.1
    assert sentiment("my smart watch arrived broken") < 0
