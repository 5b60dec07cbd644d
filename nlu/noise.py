"""Seeded surface noise for synthetic messages: casing, dropped punctuation, slang and typos."""

from __future__ import annotations

import random
import re

SLANG = [
    (r"\byou\b", "u"),
    (r"\byour\b", "ur"),
    (r"\bplease\b", "pls"),
    (r"\bthanks\b", "thx"),
    (r"\bbecause\b", "cuz"),
    (r"\bI am\b", "im"),
    (r"\bI'm\b", "im"),
    (r"\bdon't\b", "dont"),
    (r"\bcan't\b", "cant"),
    (r"\bwant to\b", "wanna"),
    (r"\bgoing to\b", "gonna"),
]
# Tokens that carry entities keep their exact spelling: a typo in an order id or an email
# would teach nothing about intent and would make the text unrealistic.
_PROTECTED = re.compile(r"[#@\d_]")


def typo(word: str, rng: random.Random) -> str:
    """Apply one keyboard-style slip to a word: swap, drop or double a letter."""
    if len(word) < 4 or _PROTECTED.search(word):
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def add_noise(text: str, rng: random.Random, *, level: float = 0.35) -> str:
    """Return `text` with realistic chat noise, each kind applied with some probability.

    Args:
        text: A clean message.
        rng: Seeded random generator.
        level: Overall chance that any one kind of noise is applied.
    """
    if rng.random() < level * 0.6:
        words = text.split(" ")
        for _ in range(rng.choice([1, 1, 2])):
            j = rng.randrange(len(words))
            words[j] = typo(words[j], rng)
        text = " ".join(words)
    if rng.random() < level * 0.5:
        for pattern, short in rng.sample(SLANG, k=3):
            text = re.sub(pattern, short, text, flags=re.IGNORECASE)
    if rng.random() < level:
        text = text.lower()
    if rng.random() < level * 0.5:
        text = re.sub(r"[.!?]+$", "", text.strip())
    if rng.random() < level * 0.3:
        text = text.replace(",", "")
    return text.strip()
