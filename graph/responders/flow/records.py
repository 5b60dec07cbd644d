"""Reading store records for the flows: orders, items, variants and payment methods."""

from __future__ import annotations

from typing import Any


def describe_items(order: dict[str, Any]) -> str:
    """`Name (option, option)` for each item of an order."""
    return "; ".join(
        f"{item['name']} ({', '.join(map(str, item['options'].values()))})"
        for item in order.get("items", [])
    )


def select_items(order: dict[str, Any], slots: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's items the customer named: by item id, product type, or all of them.

    Where several items share a product type, option values the customer mentioned pick one.
    """
    items = order.get("items", [])
    if slots.get("item_ids"):
        return [i for i in items if i["item_id"] in slots["item_ids"]]
    if slots.get("all_items"):
        return list(items)
    chosen: list[dict[str, Any]] = []
    mentioned = {str(v).lower() for v in _mentioned_values(slots)}
    for product in slots.get("product_types") or []:
        same = [i for i in items if i["name"].lower() == product.lower() and i not in chosen]
        if len(same) > 1 and mentioned:
            same = [max(same, key=lambda i: _overlap(i["options"], mentioned))]
        chosen.extend(same)
    return chosen


def target_options(
    item: dict[str, Any], product: dict[str, Any], slots: dict[str, Any]
) -> dict[str, str]:
    """The item's options with every mentioned value that differs from its current one."""
    values_by_option: dict[str, set[str]] = {}
    for variant in product["variants"].values():
        for option, value in variant["options"].items():
            values_by_option.setdefault(option, set()).add(str(value))
    target = dict(item["options"])
    for value in _mentioned_values(slots):
        for option, values in values_by_option.items():
            match = next((v for v in values if v.lower() == str(value).lower()), None)
            if match is not None and match != item["options"].get(option):
                target[option] = match
    return target


def find_variant(product: dict[str, Any], options: dict[str, str]) -> dict[str, Any] | None:
    """The available variant with exactly these options."""
    for variant in product["variants"].values():
        if variant["available"] and variant["options"] == options:
            return variant
    return None


def available_options(product: dict[str, Any]) -> str:
    """A readable list of the product's available variants."""
    return "; ".join(
        f"{', '.join(map(str, v['options'].values()))} (${v['price']:.2f})"
        for v in product["variants"].values()
        if v["available"]
    )


def describe_method(method_id: str, user: dict[str, Any]) -> str:
    """A payment method in the customer's terms."""
    method = user.get("payment_methods", {}).get(method_id, {})
    source = method.get("source")
    if source == "credit_card":
        return (
            f"{str(method.get('brand', 'credit')).title()} card ending in {method.get('last_four')}"
        )
    if source == "gift_card":
        return f"gift card {method_id} (balance ${float(method.get('balance', 0)):.2f})"
    if source == "paypal":
        return f"PayPal ({method_id})"
    return method_id


def describe_methods(user: dict[str, Any]) -> str:
    """All payment methods of a customer."""
    return "; ".join(describe_method(m, user) for m in user.get("payment_methods", {}))


def resolve_method(slots: dict[str, Any], user: dict[str, Any]) -> str | None:
    """The customer's payment method named by id or by hint (source, brand, last four)."""
    methods = user.get("payment_methods", {})
    if slots.get("payment_method_id") in methods:
        return str(slots["payment_method_id"])
    hint = slots.get("payment_hint") or {}
    if not hint:
        return None
    matches = [
        m_id
        for m_id, m in methods.items()
        if (not hint.get("source") or m.get("source") == hint["source"])
        and (not hint.get("brand") or str(m.get("brand", "")).lower() == hint["brand"].lower())
        and (not hint.get("last_four") or m.get("last_four") == hint["last_four"])
    ]
    return matches[0] if len(matches) == 1 else None


def original_method(order: dict[str, Any]) -> str:
    """The payment method the order was first paid with."""
    history = order.get("payment_history") or [{}]
    return str(history[0].get("payment_method_id", ""))


def format_address(address: dict[str, Any]) -> str:
    """A one-line address."""
    keys = ("address1", "address2", "city", "state", "zip", "country")
    return ", ".join(str(address[k]) for k in keys if address.get(k))


def _mentioned_values(slots: dict[str, Any]) -> list[str]:
    values = list(slots.get("option_values") or [])
    values += [v for v in (slots.get("options") or {}).values() if v not in values]
    return values


def _overlap(options: dict[str, Any], mentioned: set[str]) -> int:
    return sum(str(v).lower() in mentioned for v in options.values())
