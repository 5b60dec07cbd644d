"""Product names in a message, and which product each part of the message is about.

Each product mention opens a segment that runs to the next mention. A word that is both a
product name and an option value of the product being described ('laptop' is a Backpack
compartment, 'fleece' a Pet Bed material) is read as the value there: 'the Backpack (grey,
polyester, laptop)' names one product, while 'the backpack and the laptop' names two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportgraph.nlu.catalogue import Catalogue
from supportgraph.nlu.values import bounded, core

# Words before a product name that make it one: "the laptop", "my fleece".
DETERMINER = re.compile(r"\b(?:the|my|a|an|this|that|both|other|your|his|her)\s+$", re.I)
SAME_ITEM = re.compile(
    r"\b(?:same\s+(?:options|one|item|model|kind|version)|identical|exact\s+same"
    r"|brand[\s-]new\s+one|replacement)\b"
    # "Air Purifier {...} to {}": nothing about it changes.
    r"|\bto\s*\{\s*\}",
    re.I,
)
"""Words for a brand-new identical item; the one home of this cue."""


@dataclass(frozen=True)
class Mention:
    """One product name in the text."""

    product: str
    start: int
    end: int


class ProductFinder:
    """Finds catalogue product names, by name, plural or everyday alias."""

    def __init__(self, catalogue: Catalogue) -> None:
        """Compile one pattern for all aliases.

        Args:
            catalogue: The store's products.
        """
        self.catalogue = catalogue
        aliases = sorted(catalogue.aliases, key=len, reverse=True)
        self._pattern = re.compile(bounded("|".join(core(a) for a in aliases)), re.I)
        self._aliases = {_spaced(a): name for a, name in catalogue.aliases.items()}

    def mentions(self, text: str) -> list[Mention]:
        """Every product name in order, repeats kept, leaving out names used as values."""
        found: list[Mention] = []
        for m in self._pattern.finditer(text):
            product = self._aliases.get(_spaced(m.group()))
            if product is None:
                continue
            if found and self._is_value(text, m, found[-1].product):
                continue
            found.append(Mention(product, *m.span()))
        return found

    def _is_value(self, text: str, m: re.Match, described: str) -> bool:
        """Whether a product name is an option value of the product being described."""
        options = self.catalogue.options.get(described, {})
        word = _spaced(m.group())
        owners = [n for n, vs in options.items() if word in {_spaced(v) for v in vs}]
        if not owners:
            return False
        after = text[m.end() : m.end() + 40].lower()
        named = any(re.match(rf"\s*{re.escape(n)}\b", after) for n in owners)
        return named or not DETERMINER.search(text[: m.start()])


class Segments:
    """Which mentioned product a span of text describes.

    A value belongs to the product whose mention last came before it (the first product for
    values said before any name), or to the next product when only other values, spaces and
    commas stand between them: 'the glass Bookshelf'.
    """

    def __init__(self, mentions: list[Mention], skeleton: str) -> None:
        """Remember the mentions.

        Args:
            mentions: Product mentions in order.
            skeleton: The text with every candidate value blanked out.
        """
        self.mentions = mentions
        self.skeleton = skeleton

    def index(self, a: int, b: int) -> int | None:
        """The position in `mentions` of the mention that the span `a:b` describes."""
        if not self.mentions:
            return None
        after = next((i for i, m in enumerate(self.mentions) if m.start >= b), None)
        if after is not None and re.fullmatch(
            r"[\s,/-]*", self.skeleton[b : self.mentions[after].start]
        ):
            return after
        before = [i for i, m in enumerate(self.mentions) if m.start < a]
        return before[-1] if before else 0

    def __call__(self, a: int, b: int) -> str | None:
        """The product the span `a:b` describes."""
        i = self.index(a, b)
        return None if i is None else self.mentions[i].product

    def same_item(self, text: str) -> list[str]:
        """Products the customer wants as a brand-new identical item, in order of mention."""
        out = []
        for i, m in enumerate(self.mentions):
            end = self.mentions[i + 1].start if i + 1 < len(self.mentions) else len(text)
            if SAME_ITEM.search(text, m.end, end):
                out.append(m.product)
        return list(dict.fromkeys(out))


def _spaced(alias: str) -> str:
    return re.sub(r"[\s-]+", " ", alias.lower())
