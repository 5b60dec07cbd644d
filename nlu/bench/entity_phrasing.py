"""How a customer words the τ-bench train task clauses, and the gold each wording carries.

Each writer takes one clause of a task instruction and returns a sentence with the entities it
says. Only values written in the sentence are labelled: a payment method named in words ("my
PayPal") carries no payment method id, and a shipping address's zip is not the customer's zip.
"""

from __future__ import annotations

import ast
import random
import re
from collections.abc import Callable
from typing import Any

CLAUSE_START = re.compile(r"(?=\b(?:Cancel order|Return|For) #W\d+)")
CANCEL = re.compile(r"Cancel order (#W\d+) because ([a-z ]+)\.")
RETURN = re.compile(r"Return (#W\d+) via (\w+): (.*)")
SWAP = re.compile(r"For (#W\d+), (exchange|modify) (.*); via (\w+)\.")
SWAP_ITEM = re.compile(r"([A-Z][\w\- ]+?) (\{.*?\}) to (\{.*?\})")
ADDRESS = re.compile(r"For (#W\d+), change address to (\{.*?\}) \(same as (#W\d+)\)\.")
PAYMENT = re.compile(r"For (#W\d+), change payment to (\w+)\.")

REASONS = {
    "ordered by mistake": (
        "I ordered it by mistake",
        "it was ordered by mistake",
        "I placed it by accident",
        "I bought it accidentally",
        "that order was a mistake",
    ),
    "no longer needed": (
        "I no longer need it",
        "I don't need it anymore",
        "it's no longer needed",
        "I won't need the items after all",
        "I have no use for it anymore",
    ),
}
PAY_WORDS = {"paypal": "my PayPal", "gift_card": "my gift card", "credit_card": "my credit card"}
NAMED_VALUES = frozenset({"yes", "no", "none"})


def _order(oid: str, rng: random.Random) -> str:
    """An order reference as customers type it: '#W…', 'W…', 'order 1234567', ..."""
    digits = oid[2:]
    return rng.choice(
        [oid, oid, oid, f"order {oid}", f"order {oid}", f"W{digits}", f"order {digits}"]
        + [f"order number {digits}"]
    )


def _pay(pid: str, rng: random.Random, share_id: float) -> tuple[str, dict[str, str]]:
    """A payment method: its id (labelled) or, otherwise, words naming its kind."""
    if rng.random() < share_id:
        return pid, {"payment_method_id": pid}
    return PAY_WORDS[pid.rsplit("_", 1)[0]], {}


def _values(opts: dict[str, str]) -> tuple[str, list[str]]:
    """Option values as said ('size L', 'waterproof: no', 'blue') and the values labelled."""
    words = []
    for name, value in opts.items():
        if value in NAMED_VALUES:
            words.append(f"{name}: {value}")
        elif name in ("size", "frame size") and len(value) <= 3:
            words.append(f"size {value}")
        elif name == "pieces":
            words.append(f"{value} pieces")
        else:
            words.append(value)
    return ", ".join(words), list(opts.values())


def _product(name: str, rng: random.Random) -> str:
    return name if rng.random() < 0.4 else name.lower()


def identify(user: dict[str, Any], by: str, rng: random.Random) -> tuple[str, dict[str, Any]]:
    """The customer's introduction and its gold, with a zip code or an email as the persona says.

    Args:
        user: The customer's record in `users.json`.
        by: 'zip code' or 'email', as the task's persona line has it.
        rng: The task's seeded generator.
    """
    first, last = user["name"]["first_name"], user["name"]["last_name"]
    name, gold = f"{first} {last}", {"first_name": first, "last_name": last}
    if by == "zip code":
        zip_code = user["address"]["zip"]
        text = rng.choice(
            [
                f"Hi, I'm {name}, zip code {zip_code}.",
                f"My name is {name} and my zip code is {zip_code}.",
                f"{name}, {zip_code}",
                f"Hello! {name} here, zip is {zip_code}.",
                f"This is {name} from zip {zip_code}.",
            ]
        )
        return text, gold | {"zip": zip_code}
    email = user["email"]
    text = rng.choice(
        [
            f"My email is {email}.",
            f"Hi, I'm {name}. My email is {email}.",
            f"you can look me up with {email}",
            f"{name} - {email}",
            f"Hello, this is {name}, email {email}.",
        ]
    )
    return text, (gold if name in text else {}) | {"email": email}


def _cancel(m: re.Match, rng: random.Random) -> tuple[str, dict[str, Any]]:
    order, reason = _order(m.group(1), rng), m.group(2)
    said = rng.choice(REASONS[reason])
    text = rng.choice(
        [
            f"Please cancel {order}, {said}.",
            f"I need to cancel {order} because {said}.",
            f"can you cancel {order}? {said}",
            f"{order} - cancel it please, {said}",
        ]
    )
    return text, {"order_ids": [m.group(1)], "reason": reason}


def _return(m: re.Match, rng: random.Random) -> tuple[str, dict[str, Any]]:
    order = _order(m.group(1), rng)
    names = [re.sub(r"\s*\{.*?\}", "", i).strip() for i in m.group(3).split(";")]
    products = list(dict.fromkeys(n for n in names if n))
    items = " and the ".join(_product(n, rng) for n in products)
    pay, gold = _pay(m.group(2), rng, 0.6)
    text = rng.choice(
        [
            f"I'd like to return the {items} from {order}. Please refund to {pay}.",
            f"I want to send back the {items} in {order}, refund to {pay}.",
            f"returning the {items} from {order}, money back to {pay} please",
        ]
    )
    return text, {"order_ids": [m.group(1)], "product_types": products} | gold


def _swap(m: re.Match, rng: random.Random) -> tuple[str, dict[str, Any]] | None:
    exchange = m.group(2) == "exchange"
    pairs, products, values = [], [], []
    for name, old_literal, new_literal in SWAP_ITEM.findall(m.group(3)):
        old, old_values = _values(ast.literal_eval(old_literal))
        new, new_values = _values(ast.literal_eval(new_literal))
        if not new and not exchange:
            continue  # Modifying an item into itself: no customer asks for that.
        item = _product(name, rng)
        wanted = new or "a brand-new identical one"
        pairs.append(
            rng.choice([f"the {item} ({old}) to {wanted}", f"my {item} that is {old} to {wanted}"])
        )
        products.append(name)
        values += old_values + new_values
    if not pairs:
        return None
    order, what = _order(m.group(1), rng), " and ".join(pairs)
    verb = "exchange" if exchange else "change"
    text = rng.choice(
        [
            f"For {order}, I'd like to {verb} {what}.",
            f"Can you {verb} {what} in {order}?",
            f"{order}: please {verb} {what}.",
        ]
    )
    gold: dict[str, Any] = {}
    if rng.random() < 0.6:
        pay, gold = _pay(m.group(4), rng, 0.7)
        text += f" Use {pay} for the difference."
    gold |= {"order_ids": [m.group(1)], "product_types": list(dict.fromkeys(products))}
    return text, gold | {"option_values": list(dict.fromkeys(values))}


def _address(m: re.Match, rng: random.Random) -> tuple[str, dict[str, Any]]:
    order, other = _order(m.group(1), rng), _order(m.group(3), rng)
    a = ast.literal_eval(m.group(2))
    where = f"{a['address1']}, {a['address2']}, {a['city']}, {a['state']} {a['zip']}"
    if rng.random() < 0.5:
        text = rng.choice([f"Please ship {order} to {where}.", f"Can {order} go to {where}?"])
        return text, {"order_ids": [m.group(1)]}
    text = f"Can you send {order} to the same address as {other}?"
    return text, {"order_ids": list(dict.fromkeys([m.group(1), m.group(3)]))}


def _payment(m: re.Match, rng: random.Random) -> tuple[str, dict[str, Any]]:
    order = _order(m.group(1), rng)
    pay, gold = _pay(m.group(2), rng, 0.7)
    text = rng.choice(
        [
            f"Please charge {order} to {pay} instead.",
            f"I'd like to pay for {order} with {pay}.",
            f"switch the payment on {order} to {pay}",
        ]
    )
    return text, {"order_ids": [m.group(1)]} | gold


Writer = Callable[[re.Match, random.Random], tuple[str, dict[str, Any]] | None]
CLAUSES: list[tuple[str, re.Pattern, Writer]] = [
    ("cancel", CANCEL, _cancel),
    ("return", RETURN, _return),
    ("swap", SWAP, _swap),
    ("address", ADDRESS, _address),
    ("payment", PAYMENT, _payment),
]
