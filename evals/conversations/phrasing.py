"""How a customer words store records: options, items, payment methods, addresses and reasons."""

from __future__ import annotations

import random
import re
from typing import Any

SIZE_KEYS = frozenset({"size", "frame size"})
YES_NO_WORDS = {
    "waterproof": ("waterproof", "not waterproof"),
    "water resistance": ("water resistant", "not water resistant"),
}
REASONS = {
    "ordered by mistake": [
        "I ordered it by mistake",
        "it was ordered by mistake",
        "I placed it by accident",
        "ordered by mistake",
        "I accidentally ordered it",
    ],
    "no longer needed": [
        "I no longer need it",
        "I don't need it anymore",
        "it's no longer needed",
        "no longer needed",
        "I don't need the items anymore",
    ],
}
_ORDER_ID = re.compile(r"#w(\d+)", re.I)


class Phrasebook:
    """Seeded choices of wording for one conversation.

    Args:
        rng: The conversation's own generator, so each task's text is stable on its own.
        persona: The customer's traits; `messy` customers sometimes type in lower case.
    """

    def __init__(self, rng: random.Random, persona: list[str]) -> None:
        self.rng = rng
        self.persona = set(persona)

    def pick(self, *choices: str) -> str:
        """One of the phrasings."""
        return self.rng.choice(choices)

    def option(self, key: str, value: str, product: dict[str, Any]) -> str:
        """One option value as a customer says it, e.g. `size L`, `not waterproof`, `glass`."""
        if key in YES_NO_WORDS and value in ("yes", "no"):
            return YES_NO_WORDS[key][value == "no"]
        if value == "none":
            return f"no {key}"
        if key in SIZE_KEYS and len(value) <= 3:
            return f"size {value}"
        if key == "pieces":
            return f"{value} pieces"
        if _shared_value(product, key, value) or value in ("yes", "no"):
            # A value that two options share only makes sense with its option's name.
            return f"{key} {value}"
        roll = self.rng.random()
        if roll < 0.15:
            return f"{key}: {value}"
        if roll < 0.25 and key not in SIZE_KEYS:
            return f"{value} {key}"
        return value

    def options(self, options: dict[str, str], product: dict[str, Any]) -> str:
        """Several option values joined the way people list them: `A, B and C`."""
        words = self.option_words(options, product)
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

    def option_words(self, options: dict[str, str], product: dict[str, Any]) -> list[str]:
        """Each option value as a customer says it."""
        return [self.option(k, v, product) for k, v in options.items()]

    def method(self, method_id: str, user: dict[str, Any], *, original: str = "") -> str:
        """A payment method by kind, brand or last four when that is unambiguous, else by id.

        Args:
            method_id: The method meant.
            user: Its owner, whose other methods decide what is unambiguous.
            original: The order's original method, which a customer may call just that.
        """
        methods = user["payment_methods"]
        method = methods[method_id]
        same_kind = [m for m in methods.values() if m["source"] == method["source"]]
        roll = self.rng.random()
        if method_id == original and roll < 0.15:
            return self.pick("the original payment method", "the original form of payment")
        if roll < 0.3:
            return method_id
        if method["source"] == "credit_card":
            brand, last4 = method["brand"], method["last_four"]
            choices = [
                f"my {brand} ending in {last4}",
                f"the card ending in {last4}",
                f"my {brand.title()} card ending {last4}",
            ]
            if len(same_kind) == 1:
                choices += [f"my {brand} card", "my credit card"]
            return self.pick(*choices)
        if len(same_kind) > 1:
            return method_id
        if method["source"] == "paypal":
            return self.pick("my PayPal", "PayPal", "my paypal account")
        return self.pick("my gift card", "the gift card", "my gift card balance")

    def address(self, a: dict[str, str]) -> str:
        """A full address in one of several written layouts."""
        street = f"{a['address1']}, {a['address2']}" if a.get("address2") else a["address1"]
        tail = "" if a.get("country", "USA") == "USA" else f", {a['country']}"
        return self.pick(
            f"{street}, {a['city']}, {a['state']} {a['zip']}{tail}",
            f"{street}, {a['city']}, {a['state']}, {a['zip']}{tail}",
            f"{street}, {a['city']} {a['state']} {a['zip']}{tail}",
        )

    def reason(self, reason: str) -> str:
        """A cancellation reason in the customer's words."""
        return self.rng.choice(REASONS[reason])

    def styled(self, text: str, *, thanks: bool = True) -> str:
        """Apply the persona: polite customers say thanks, messy ones skip capitals."""
        polite = thanks and "polite" in self.persona and "please" not in text.lower()
        if polite and self.rng.random() < 0.5:
            text = f"{text} Thank you!"
        if "messy" in self.persona and self.rng.random() < 0.5:
            text = _ORDER_ID.sub(lambda m: f"#W{m.group(1)}", text.lower())
        return text


def _shared_value(product: dict[str, Any], key: str, value: str) -> bool:
    """Whether another option of the product has this value too."""
    return any(
        other != key and str(v).lower() == str(value).lower()
        for variant in product["variants"].values()
        for other, v in variant["options"].items()
    )
