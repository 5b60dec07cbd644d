"""Entity extraction: the ENTITY_KEYS contract filled from one customer message.

Precision comes before recall: a value is returned only when the wording makes it certain,
and a key is absent when nothing was read. Spans already claimed (an email, an order id, an
address) are blanked before later readers run, so one number is never read twice.
"""

from __future__ import annotations

import re
from typing import Any

from supportgraph.nlu import patterns as p
from supportgraph.nlu.address import find_address
from supportgraph.nlu.catalogue import Catalogue
from supportgraph.nlu.literals import option_changes
from supportgraph.nlu.options import OptionMatcher
from supportgraph.nlu.people import find_name, find_zip
from supportgraph.nlu.questions import record_question
from supportgraph.nlu.schema import ENTITY_KEYS


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _excluded(text: str, start: int) -> bool:
    """Whether the words right before a mention leave it out: 'all but the lamp'."""
    return bool(p.EXCLUDED_BEFORE.search(text[max(0, start - 30) : start]))


def _spans(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(text)]


class EntityExtractor:
    """Reads ENTITY_KEYS entities from text, using a product catalogue for names and options."""

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        """Index the catalogue's product names and option values.

        Args:
            catalogue: The store's products; `Catalogue.load()` reads the shipped one.
        """
        self.catalogue = catalogue or Catalogue.load()
        self.matcher = OptionMatcher(self.catalogue)
        heads = sorted(self.catalogue.vague, key=len, reverse=True)
        self._vague = re.compile(
            r"\b(?:" + "|".join(map(re.escape, heads)) + r")\b" if heads else r"(?!)", re.I
        )

    def extract(self, text: str) -> dict[str, Any]:
        """Return the entities found in `text`, keyed and ordered as in ENTITY_KEYS."""
        out: dict[str, Any] = {}
        pay_ids = [m.group(1).lower() for m in p.PAYMENT_ID.finditer(text)]
        emails = [m.group().rstrip(".").lower() for m in p.EMAIL.finditer(text)]
        user_ids = [m.group(1) for m in p.USER_ID.finditer(text)]
        claimed = _spans(p.PAYMENT_ID, text) + _spans(p.EMAIL, text) + _spans(p.USER_ID, text)
        t = _blank(text, claimed)
        out["order_ids"] = p.order_ids(t)
        t = _blank(t, _spans(p.ORDER_W, t) + _spans(p.ORDER_WORD, t))
        found = find_address(t)
        address, span = found if found else ({}, None)
        blocked = [span] if span else []
        out["email"] = emails[0] if emails else None
        out["other_emails"] = list(dict.fromkeys(emails[1:]))
        name = find_name(t, blocked)
        out |= name
        full = (name["first_name"], name["last_name"]) if "last_name" in name else None
        out["zip"] = find_zip(t, has_name=full is not None, blocked=blocked, name=full)
        out["user_id"] = user_ids[0] if user_ids else None
        out["payment_method_id"] = pay_ids[0] if pay_ids else None
        out["payment_hint"] = p.payment_hint(t)
        out |= self._ids(t)
        mentions = self.matcher.mentions(t)
        excluded = [m for m in mentions if _excluded(t, m.start)]
        kept = [m for m in mentions if m not in excluded]
        out["excluded_products"] = p.unique([m.product for m in excluded])
        out["product_types"] = p.unique([m.product for m in kept])
        out["product_mentions"] = [m.product for m in kept]
        spans = [(m.start, m.end) for m in mentions]
        reading = self.matcher.read(_blank(t, spans + blocked), mentions)
        out["options"], out["option_values"] = reading.options, reading.values
        out["product_options"] = reading.by_product
        if any(reading.by_mention):
            out["mention_options"] = reading.by_mention
        out["same_item_products"] = reading.same_item
        changes = option_changes(text, [(m.start, m.end, m.product) for m in mentions])
        out["option_changes"] = [c.as_dict() for c in changes]
        out["record_questions"] = record_question(text)
        if p.LOWEST_PRICE.search(t):
            out["price_preference"] = "lowest"
        elif p.HIGHEST_PRICE.search(t):
            out["price_preference"] = "highest"
        out["reason"] = p.reason(t)
        out["address"] = address
        amounts_text = _blank(t, blocked)
        out["amounts"] = p.amounts(amounts_text)
        out["dates"] = p.dates(t)
        vague = [
            {
                "candidates": self.catalogue.vague[w.group().lower()],
                "excluded": _excluded(t, w.start()),
            }
            for w in self._vague.finditer(t)
            if not any(a <= w.start() < b for a, b in spans) and not self._is_value(w.group(), kept)
        ]
        out["vague_products"] = vague
        named = kept or any(not v["excluded"] for v in vague)
        all_items = p.ALL_ITEMS.search(t) or (not named and p.THE_ITEMS.search(t))
        out["all_items"] = True if all_items else None
        suffix = p.ORDER_SUFFIX.search(t)
        out["order_suffix"] = suffix.group(1) if suffix and not out["order_ids"] else None
        out["all_orders"] = True if p.ALL_ORDERS.search(t) else None
        return {k: out[k] for k in ENTITY_KEYS if out.get(k) not in (None, [], {}, "")}

    def _is_value(self, word: str, mentions: list[Any]) -> bool:
        """Whether a word is an option value of a mentioned product ('camera' compartment)."""
        word = word.lower()
        return any(
            word
            in {str(v).lower() for vs in self.catalogue.options[m.product].values() for v in vs}
            for m in mentions
        )

    def _ids(self, text: str) -> dict[str, list[str]]:
        """Ten-digit numbers: product ids when the catalogue or the wording says so, else items."""
        items, products = [], []
        for m in p.TEN_DIGITS.finditer(text):
            number, before = m.group(1), text[: m.start()]
            if p.PHONE_CUE.search(before):
                continue
            if number in self.catalogue.known_product_ids or p.PRODUCT_CUE.search(before):
                products.append(number)
            else:
                items.append(number)
        return {"item_ids": p.unique(items), "product_ids": p.unique(products)}
