"""Option values named in a message, matched against the catalogue and tied to products.

A value belongs to the product whose part of the message it is in (`nlu.mentions.Segments`);
a value that product does not have goes to the one other mentioned product that has it. So in
'the Gaming Mouse (black) to white and the Bookshelf to glass' black and white are the mouse's
and glass the bookshelf's. Values are returned in the catalogue's spelling for their product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from supportgraph.nlu.catalogue import Catalogue
from supportgraph.nlu.mentions import Mention, ProductFinder, Segments
from supportgraph.nlu.values import bounded, core, named_options, option_value, surface

# Values that are everyday words: read only in the segment of a product that has them.
CONTEXT_WORDS = frozenset(
    """
small medium large high low portable standard fixed adjustable manual automatic electric gas
digital analog wired wireless road mountain animals fantasy landscape professional beginner
expert intermediate woody oriental unisex daylight graphic charcoal fresh full half art light
dark basic plain custom men women
""".split()
)
# Values that only mean something next to their option name: "size 10", "zoom: 5x".
NAMED_WORDS = frozenset("yes no none".split())
# Words after which an everyday word is not an option value: "full refund", "low price".
NOT_AFTER = re.compile(r"\s+(?:refund|price|amount|name|address|payment|order|details)\b", re.I)


@dataclass
class OptionReading:
    """The option values of one message, flat and per product."""

    options: dict[str, str] = field(default_factory=dict)
    """Option name -> value, when both are certain; later mentions win."""
    values: list[str] = field(default_factory=list)
    """Every value, in order of first mention."""
    by_product: dict[str, list[str]] = field(default_factory=dict)
    """Product -> its values in order of mention, repeats kept."""
    by_mention: list[list[str]] = field(default_factory=list)
    """For each product mention in order, the values said in its part of the message."""
    same_item: list[str] = field(default_factory=list)
    """Products the customer wants replaced by an identical item."""


@dataclass(frozen=True)
class _Hit:
    """One value read at `start:end`, with its product, option name and mention if known."""

    start: int
    end: int
    product: str | None
    value: str
    option: str | None
    mention: int | None = None


def _kind(value: str) -> str:
    low = value.lower()
    if low in NAMED_WORDS or re.fullmatch(r"[\d.]+|[A-Za-z]", value):
        return "named"
    if low in CONTEXT_WORDS or value.endswith("%"):
        return "context"
    return "free"


class OptionMatcher:
    """Finds catalogue product names and option values in text, and ties values to products."""

    def __init__(self, catalogue: Catalogue) -> None:
        """Compile one pattern for all product aliases, one per value and the yes/no phrases.

        Args:
            catalogue: The store's products.
        """
        self.catalogue = catalogue
        self._finder = ProductFinder(catalogue)
        values = {v for opts in catalogue.options.values() for vs in opts.values() for v in vs}
        self._values = [
            (v, re.compile(bounded(surface(v), open_end=v.endswith(("%", '"'))), re.I))
            for v in sorted(values)
        ]
        self._phrases = named_options(catalogue.options)
        self._product_values = {
            product: {v for vs in options.values() for v in vs}
            for product, options in catalogue.options.items()
        }
        names = {n for opts in catalogue.options.values() for n in opts}
        self._names = re.compile(bounded("|".join(core(n) for n in sorted(names))), re.I)

    def mentions(self, text: str) -> list[Mention]:
        """Every product name in order, repeats kept (see `ProductFinder.mentions`)."""
        return self._finder.mentions(text)

    def read(self, text: str, mentions: list[Mention]) -> OptionReading:
        """The option values in `text`, each tied to the product it describes.

        Args:
            text: The message with product names (and any address) blanked out.
            mentions: The product mentions of the message, in order.
        """
        products = list(dict.fromkeys(m.product for m in mentions))
        # A word of an option's name is not a value: 'battery' in 'battery life: 4 hours'.
        inside = [m.span() for m in self._names.finditer(text)]
        raw = [
            (m.start(), m.end(), v)
            for v, rx in self._values
            for m in rx.finditer(text)
            if not any(a <= m.start() and m.end() <= b and b - a > len(m[0]) for a, b in inside)
        ]
        skeleton = list(text)
        for a, b, _ in raw:
            skeleton[a:b] = " " * (b - a)
        segment = Segments(mentions, "".join(skeleton))
        taken = [False] * len(text)
        hits = self._phrase_hits(text, products, segment, taken)
        by_span: dict[tuple[int, int], set[str]] = {}
        for a, b, v in raw:
            by_span.setdefault((a, b), set()).add(v)
        for (a, b), candidates in sorted(by_span.items(), key=lambda s: (s[0][0] - s[0][1], s[0])):
            if any(taken[a:b]):
                continue
            found = self._resolve(text, a, b, candidates, products, segment(a, b))
            if found:
                taken[a:b] = [True] * (b - a)
                hits += found
        hits = [_place(h, segment.index(h.start, h.end), mentions) for h in hits]
        reading = self._reading(sorted(hits, key=lambda h: h.start), products, len(mentions))
        reading.same_item = segment.same_item(text)
        return reading

    def _phrase_hits(
        self, text: str, products: list[str], segment: Segments, taken: list[bool]
    ) -> list[_Hit]:
        """Yes/no and 'none' values given by the option's name ('not waterproof')."""
        hits = []
        for phrase in self._phrases:
            for m in phrase.pattern.finditer(text):
                a, b = m.span()
                if any(taken[a:b]):
                    continue
                owners = [segment(a, b), *products] if products else list(self.catalogue.options)
                found = {
                    p: value
                    for p in dict.fromkeys(o for o in owners if o)
                    if (values := self.catalogue.options[p].get(phrase.option))
                    and (value := option_value(values, positive=phrase.positive))
                }
                if not found:
                    continue
                if products:
                    product = segment(a, b) if segment(a, b) in found else _only(found)
                    if product is None:
                        continue
                    hit = _Hit(a, b, product, found[product], phrase.option)
                elif len(set(found.values())) == 1:
                    hit = _Hit(a, b, None, next(iter(found.values())), phrase.option)
                else:
                    continue
                taken[a:b] = [True] * (b - a)
                hits.append(hit)
        return hits

    def _resolve(
        self,
        text: str,
        a: int,
        b: int,
        candidates: set[str],
        products: list[str],
        home: str | None,
    ) -> list[_Hit]:
        """The product and exact value a matched span stands for; empty if it is not a value.

        Without a product to choose by, every equivalent spelling the catalogue uses is kept
        ('1L' and '1 liter'), since each product has only one of them.
        """
        product = None
        if products:
            owning = [p for p in products if candidates & self._product_values[p]]
            product = home if home in owning else (owning[0] if len(owning) == 1 else None)
        if product:
            values = [v for v in sorted(candidates) if v in self._product_values[product]][:1]
            scope = [self.catalogue.options[product]]
        else:
            values = sorted(candidates)
            scope = [self.catalogue.options[p] for p in products]
            scope = scope or list(self.catalogue.options.values())
        names = sorted({n for opts in scope for n, vs in opts.items() if set(values) & set(vs)})
        option = _adjacent(text, a, b, names)
        if any(_kind(v) == "named" for v in values) and not option:
            return []
        if any(_kind(v) == "context" for v in values) and (not product or NOT_AFTER.match(text, b)):
            return []
        if option is None and len(names) == 1 and len(values) == 1:
            option = names[0]
        return [_Hit(a, b, product, value, option) for value in values]

    def _reading(self, hits: list[_Hit], products: list[str], mentions: int) -> OptionReading:
        """Flat, per-product and per-mention values, and options no other product has."""
        out = OptionReading(by_mention=[[] for _ in range(mentions)])
        for hit in hits:
            if hit.product:
                out.by_product.setdefault(hit.product, []).append(hit.value)
            if hit.mention is not None:
                out.by_mention[hit.mention].append(hit.value)
            # The flat options apply to any item that has the option, so an option that
            # another mentioned product also has is left to the per-product values.
            if hit.option and not any(
                hit.option in self.catalogue.options[p] for p in products if p != hit.product
            ):
                out.options[hit.option] = hit.value
        out.values = list(dict.fromkeys(h.value for h in hits))
        return out


def _place(hit: _Hit, index: int | None, mentions: list[Mention]) -> _Hit:
    """The hit tied to its mention: the segment's, or the first of the product it went to."""
    if hit.product is None or index is None:
        return hit
    if mentions[index].product != hit.product:
        index = next(i for i, m in enumerate(mentions) if m.product == hit.product)
    return _Hit(hit.start, hit.end, hit.product, hit.value, hit.option, index)


def _only(found: dict[str, str]) -> str | None:
    return next(iter(found)) if len(found) == 1 else None


def _adjacent(text: str, a: int, b: int, names: list[str]) -> str | None:
    """The option name said right before or after a value, the longest if several fit.

    The first word of a longer name counts too when it points to one name only: 'black frame'.
    """
    before, after = text[max(0, a - 40) : a].lower(), text[b : b + 40].lower()
    said = []
    heads: dict[str, list[str]] = {}
    for name in names:
        heads.setdefault(name.split()[0], []).append(name)
    forms = [(n, n) for n in names] + [(h, ns[0]) for h, ns in heads.items() if len(ns) == 1]
    for form, name in forms:
        word = rf"{re.escape(form)}(?:e?s)?"
        if re.search(rf"\b{word}\s*(?:is|:|=|of)?\s*$", before) or re.match(rf"\s*{word}\b", after):
            said.append((len(form), name))
    return max(said)[1] if said else None
