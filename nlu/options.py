"""Product names and option values named in a message, matched against the catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from supportgraph.nlu.catalogue import Catalogue

# Values that are everyday words: read only when a product that has them is also mentioned.
CONTEXT_WORDS = frozenset(
    """
small medium large high low portable standard fixed adjustable manual automatic electric gas
digital analog wired wireless road mountain animals fantasy landscape professional beginner
expert intermediate woody oriental unisex daylight graphic charcoal fresh
""".split()
)
# Values that only mean something next to their option name: "size 10", "full zipper".
NAMED_WORDS = frozenset("yes no none full half art light dark basic plain custom men women".split())


def _core(value: str) -> str:
    """A forgiving regex for a value: '1000ml' ~ '1000 ml', 'v-neck' ~ 'v neck' ~ 'vneck'."""
    out = "".join(r"[\s-]?" if ch in " -" else re.escape(ch) for ch in value)
    return re.sub(r"(\d)([A-Za-z])", r"\1\\s?\2", out)


def _bounded(core: str, *, open_end: bool = False) -> str:
    """Word guards around a pattern; a value ending in '%' has no word boundary after it."""
    tail = "" if open_end else r"(?![\w%-])"
    return rf"(?<![\w-])(?:{core}){tail}"


def _kind(value: str) -> str:
    low = value.lower()
    if low in NAMED_WORDS or re.fullmatch(r"[\d.]+|[A-Za-z]", value) or value.endswith("%"):
        return "named"
    if low in CONTEXT_WORDS or re.match(r"\d+(\.\d+)?\s", value):
        return "context"
    return "free"


@dataclass
class OptionMatcher:
    """Finds catalogue product names and option values in text."""

    catalogue: Catalogue
    _products: re.Pattern = field(init=False)
    _values: list[tuple[str, str, re.Pattern]] = field(init=False)

    def __post_init__(self) -> None:
        """Compile one pattern for all product aliases and one per option value."""
        aliases = sorted(self.catalogue.aliases, key=len, reverse=True)
        self._products = re.compile(_bounded("|".join(_core(a) for a in aliases)), re.I)
        values = {v for opts in self.catalogue.options.values() for vs in opts.values() for v in vs}
        self._values = [
            (v, _kind(v), re.compile(_bounded(_core(v), open_end=v.endswith("%")), re.I))
            for v in sorted(values, key=len, reverse=True)
        ]

    def products(self, text: str) -> tuple[list[str], list[tuple[int, int]]]:
        """Canonical product names in order of mention, and the spans they cover."""
        names, spans = [], []
        for m in self._products.finditer(text):
            names.append(self.catalogue.aliases[re.sub(r"\s+", " ", m.group().lower())])
            spans.append(m.span())
        return list(dict.fromkeys(names)), spans

    def options(self, text: str, products: list[str]) -> tuple[dict[str, str], list[str]]:
        """Option values in order of mention, and those whose option name is certain.

        A value's option name is taken from the mentioned products (or the whole catalogue when
        none is mentioned) and kept only if exactly one name fits. When one name gets several
        values ("from black to white"), the last one wins: customers name the target last.

        Args:
            text: The message with product names already blanked out.
            products: Canonical names of the products mentioned.
        """
        scope = {p: self.catalogue.options[p] for p in products} or self.catalogue.options
        hits: list[tuple[int, str]] = []
        taken = [False] * len(text)
        named = {}
        for value, kind, rx in self._values:
            for m in rx.finditer(text):
                if any(taken[m.start() : m.end()]):
                    continue
                owners = {n for opts in scope.values() for n, vs in opts.items() if value in vs}
                name = next((n for n in owners if _next_to(text, m, n)), None)
                if kind == "named" and not name:
                    continue
                if kind == "context" and not (products and owners):
                    continue
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
                hits.append((m.start(), value))
                if name or len(owners) == 1:
                    named[m.start()] = (name or next(iter(owners)), value)
        options = dict(named[pos] for pos in sorted(named))
        return options, list(dict.fromkeys(v for _, v in sorted(hits)))


def _next_to(text: str, m: re.Match, name: str) -> bool:
    """Whether the option name sits right before or after the matched value."""
    before = text[max(0, m.start() - len(name) - 4) : m.start()].lower()
    after = text[m.end() : m.end() + len(name) + 3].lower()
    return bool(
        re.search(rf"\b{re.escape(name.lower())}\s*(?:is|:|=|of)?\s*$", before)
        or re.match(rf"\s*{re.escape(name.lower())}\b", after)
    )
