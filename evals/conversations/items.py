"""Naming an order's items and the variants a customer wants instead."""

from __future__ import annotations

from typing import Any

from supportgraph.evals.conversations.phrasing import Phrasebook
from supportgraph.evals.conversations.tasks import Records


def item_record(order: dict[str, Any], item_id: str, records: Records) -> dict[str, Any]:
    """The order's item with this id, or the catalogue variant if an earlier change added it."""
    for item in order["items"]:
        if item["item_id"] == item_id:
            return item
    variant = records.variants[item_id]
    name = records.products[variant["product_id"]]["name"]
    return {
        "item_id": item_id,
        "name": name,
        "options": variant["options"],
        "product_id": variant["product_id"],
    }


def name_item(
    item: dict[str, Any], order: dict[str, Any], records: Records, book: Phrasebook
) -> str:
    """`the kettle`, or with its options when the order holds more than one of that product."""
    product = records.products[item["product_id"]]
    name = item["name"] if book.rng.random() < 0.6 else item["name"].lower()
    same = [i for i in order["items"] if i["name"] == item["name"]]
    twins = [i for i in same if i["item_id"] == item["item_id"]]
    words = book.option_words(item["options"], product)
    listed = ", ".join(words)
    if len(twins) > 1:
        return f"one of the two {name} items ({listed})"
    if len(same) > 1 or book.rng.random() < 0.35:
        # Only a couple of plain values read well in front of the name: "the red XL shirt".
        if len(words) <= 2 and not any(":" in w or " " in w for w in words):
            return book.pick(f"the {name} ({listed})", f"the {' '.join(words)} {name}")
        return f"the {name} ({listed})"
    return f"the {name}"


def name_items(items: list[str]) -> str:
    """`the A`, `the A and the B`, `the A, the B and the C`."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def changes(
    action: dict[str, Any], order: dict[str, Any], records: Records, book: Phrasebook
) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Each changed item as `(old item words, new option words)`, and the action they ask for.

    An exchange for the very same item is a replacement, which customers ask for when an item
    is faulty. In a pending order such a swap changes nothing a customer would ask for, so it
    is left out of the words and of the returned action.
    """
    kwargs = action["kwargs"]
    exchange = action["name"] == "exchange_delivered_order_items"
    pairs, old_ids, new_ids = [], [], []
    for old_id, new_id in zip(kwargs["item_ids"], kwargs["new_item_ids"], strict=True):
        if old_id == new_id and not exchange:
            continue
        item = item_record(order, old_id, records)
        old_ids.append(old_id)
        new_ids.append(new_id)
        if old_id == new_id:
            target = book.pick(
                "a brand-new identical one",
                "a new one with the same options",
                "the exact same one, since mine is faulty",
            )
            pairs.append((name_item(item, order, records, book), target))
            continue
        new = records.variants[new_id]
        product = records.products[new["product_id"]]
        wanted = {k: v for k, v in new["options"].items() if item["options"].get(k) != v}
        words = book.options(wanted, product)
        target = book.pick(words, f"a {words} one", f"the {words} version")
        pairs.append((name_item(item, order, records, book), target))
    asked = {**action, "kwargs": {**kwargs, "item_ids": old_ids, "new_item_ids": new_ids}}
    return pairs, asked
