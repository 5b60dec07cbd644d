"""Store vocabulary for the training-set builder: real customers, orders, products and options."""

from __future__ import annotations

import json
import random
from pathlib import Path

from supportgraph.nlu.catalogue import Catalogue
from supportgraph.settings import SHIPPED_DATA_DIR

RETAIL_DIR = SHIPPED_DATA_DIR / "retail"

REASONS_MISTAKE = [
    "I ordered it by mistake",
    "it was ordered by mistake",
    "I placed it by accident",
    "I accidentally ordered it",
    "ordered by mistake",
    "I clicked buy by mistake",
]
REASONS_UNNEEDED = [
    "I don't need it anymore",
    "I no longer need it",
    "no longer needed",
    "I don't need the items anymore",
    "I found something else",
    "I won't need it after all",
]
CARD_WORDS = ["visa", "mastercard", "credit card", "card"]
DIFFERENCE = [
    "Use {pay} for the price difference.",
    "Any price difference can go to {pay}.",
    "Please charge or refund the difference via {pay}.",
    "Put the difference on {pay}.",
    "Charge any difference to {pay}.",
    "Settle the difference with {pay}.",
    "Refund or bill the difference to {pay}, please.",
    "{pay} for any difference.",
    "If it costs more, use {pay}.",
]
ORIGINAL_METHOD = [
    "the original payment method",
    "the original form of payment",
    "the card I paid with",
    "the same payment method",
]
# Yes/no options as people say them: "waterproof", "not water resistant".
YES_NO_WORDS = {
    "waterproof": ("waterproof", "not waterproof"),
    "water resistance": ("water resistant", "not water resistant"),
}


class StoreVocab:
    """Seeded sampler of store words used to fill message templates."""

    def __init__(self, rng: random.Random, retail_dir: Path = RETAIL_DIR) -> None:
        """Read the store data.

        Args:
            rng: The random generator that drives every choice.
            retail_dir: Directory holding users.json, orders.json and products.json.
        """
        self.rng = rng
        users = json.loads((retail_dir / "users.json").read_text())
        self.users = [dict(record, user_id=uid) for uid, record in users.items()]
        self.order_ids = list(json.loads((retail_dir / "orders.json").read_text()))
        self.catalogue = Catalogue.load(retail_dir / "products.json")
        self.products = sorted(self.catalogue.product_ids)
        short: dict[str, list[str]] = {}
        for alias, name in self.catalogue.aliases.items():
            if " " not in alias and not alias.endswith("s") and alias != name.lower():
                short.setdefault(name, []).append(alias)
        self.short_names = short
        self.item_ids = sorted(self.catalogue.item_ids)

    def user(self) -> dict:
        """A random customer record."""
        return self.rng.choice(self.users)

    def order(self) -> str:
        """An order id, written the ways customers write it."""
        oid = self.rng.choice(self.order_ids)
        return self.rng.choice([oid, oid, oid, oid[1:]])

    def product(self) -> tuple[str, str]:
        """A product as (canonical name, how the customer writes it)."""
        name = self.rng.choice(self.products)
        forms = [name, name.lower(), name.lower()] + self.short_names.get(name, [])
        return name, self.rng.choice(forms)

    def option(self, name: str) -> str:
        """A phrase naming one or two option values of `name`, e.g. 'a blue one in size L'."""
        options = self.catalogue.options[name]
        keys = self.rng.sample(sorted(options), k=min(len(options), self.rng.choice([1, 1, 2])))
        parts = [_option_words(key, self.rng.choice(options[key])) for key in keys]
        phrase = " and ".join(parts)
        return self.rng.choice([phrase, f"the {phrase} one", f"one with {phrase}", phrase])

    def name(self, user: dict) -> str:
        """The customer's full name, sometimes in lower case."""
        full = f"{user['name']['first_name']} {user['name']['last_name']}"
        return full if self.rng.random() < 0.85 else full.lower()

    def address(self) -> str:
        """A full US address in one of several written layouts."""
        a = self.user()["address"]
        layouts = [
            f"{a['address1']}, {a['address2']}, {a['city']}, {a['state']} {a['zip']}",
            f"{a['address1']} {a['address2']}, {a['city']} {a['state']} {a['zip']}",
            f"{a['address1']}, {a['address2']}, {a['city']}, {a['state']}, {a['zip']}, USA",
            f"{a['address1']}, {a['city']}, {a['state']} {a['zip']}",
        ]
        text = self.rng.choice(layouts)
        return text if self.rng.random() < 0.85 else text.lower()

    def payment(self) -> str:
        """A payment method as a customer names it: an id, a brand, or a kind."""
        user = self.user()
        method = self.rng.choice(list(user["payment_methods"].values()))
        if self.rng.random() < 0.3:
            return method["id"]
        if method["source"] == "credit_card":
            brand = self.rng.choice([method.get("brand", "credit card"), *CARD_WORDS])
            four = method.get("last_four")
            ending = f" ending in {four}" if four and self.rng.random() < 0.6 else ""
            return f"my {brand}{ending}"
        if method["source"] == "gift_card":
            return self.rng.choice(["my gift card", "the gift card", "gift card", "store credit"])
        return self.rng.choice(["paypal", "my PayPal", "my paypal account", "Paypal"])

    def difference(self) -> str:
        """A clause naming how to settle a price difference, e.g. 'Use my PayPal for it.'."""
        if self.rng.random() < 0.15:
            pay = self.rng.choice(ORIGINAL_METHOD)
        else:
            pay = self.payment()
        return self.rng.choice(DIFFERENCE).format(pay=pay)

    def current(self, name: str) -> str:
        """The options an item of `name` has now, as customers list them: '(black, laser)'."""
        options = self.catalogue.options[name]
        keys = self.rng.sample(sorted(options), k=min(len(options), self.rng.choice([2, 3])))
        words = [_option_words(k, self.rng.choice(options[k])) for k in keys]
        return "(" + ", ".join(words) + ")"

    def card(self) -> str:
        """A credit card named by brand and last four digits, the way customers write it."""
        cards = [
            m
            for u in self.rng.sample(self.users, 5)
            for m in u["payment_methods"].values()
            if m["source"] == "credit_card"
        ]
        if not cards:
            return "my credit card"
        card = self.rng.choice(cards)
        brand = self.rng.choice([card.get("brand", "credit"), card.get("brand", "credit").title()])
        four = card.get("last_four", "0000")
        return self.rng.choice(
            [
                f"my {brand} ending in {four}",
                f"the {brand} ending {four}",
                f"the card ending in {four}",
                f"my {brand} card",
                f"{brand} ending with {four}",
                f"my {brand} card ending {four}",
            ]
        )

    def reason(self) -> str:
        """A cancellation reason in the customer's words."""
        return self.rng.choice(REASONS_MISTAKE + REASONS_UNNEEDED)

    def item_id(self) -> str:
        """A real 10-digit item id."""
        return self.rng.choice(self.item_ids)


def _option_words(key: str, value: str) -> str:
    """Say an option the way people do: sizes get their word, colours stand alone."""
    if key in {"size", "frame size"} and len(value) <= 3:
        return f"size {value}"
    if key in {"pieces"}:
        return f"{value} pieces"
    if key in YES_NO_WORDS and value in ("yes", "no"):
        return YES_NO_WORDS[key][value == "no"]
    if value == "none":
        return f"no {key}"
    if value in {"yes", "no"}:
        return f"{key} {value}"
    return value
