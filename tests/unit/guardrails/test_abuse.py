"""Tests for the abuse lexicon: threats and insults escalate, complaints do not."""

from __future__ import annotations

import pytest

from supportgraph.guardrails.abuse import find_abuse

ABUSE = {
    "I will kill you": "threat",
    "I'm going to find you": "threat",
    "I know where you live": "threat",
    "I'll burn down your store": "threat",
    "I'm gonna hurt your staff": "threat",
    "you deserve to die": "threat",
    "you are a useless idiot": "insult",
    "you're so stupid": "insult",
    "you stupid fucking moron": "insult",
    "you worthless piece of shit": "insult",
    "fuck you": "insult",
    "Stupid bot!": "insult",
    "go to hell": "insult",
}

NOT_ABUSE = [
    "this kettle is useless",
    "the price is killing me",
    "I'm dying to get my order",
    "this blender is a piece of junk",
    "you're damn right it arrived late",
    "you sent garbage",
    "your stupid website logged me out",
    "you are so helpful",
    "can you kill the order? I mean cancel it",
    "I'll find the receipt",
    "I feel stupid for ordering the wrong size",
    "I'm going to destroy this workout with my new yoga mat",
    "Will you beat their price?",
    "shut down my account",
]


@pytest.mark.parametrize(("message", "kind"), ABUSE.items())
def test_that_threats_and_insults_are_found(message, kind):
    assert kind in {m.kind for m in find_abuse(message)}


@pytest.mark.parametrize("message", NOT_ABUSE)
def test_that_complaints_and_figures_of_speech_are_not_abuse(message):
    assert find_abuse(message) == []
