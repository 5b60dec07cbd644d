"""Reading store records for the flows: orders, items, variants and payment methods."""

from __future__ import annotations

from typing import Any


def describe_item(item: dict[str, Any]) -> str:
    """`Name (option, option)` of one item."""
    return f"{item['name']} ({', '.join(map(str, item['options'].values()))})"


def describe_items(order: dict[str, Any]) -> str:
    """`Name (option, option)` for each item of an order."""
    return "; ".join(describe_item(item) for item in order.get("items", []))


def describe_variant(variant: dict[str, Any]) -> str:
    """`option, option ($price)` of one variant of a product."""
    return f"{', '.join(map(str, variant['options'].values()))} (${float(variant['price']):.2f})"


def items_total(items: list[dict[str, Any]]) -> float:
    """What the items cost together."""
    return sum(float(i["price"]) for i in items)


def select_items(order: dict[str, Any], slots: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's items the customer named: by item id, product type, or all of them.

    A product named twice, or "both", takes two of its items; where fewer are wanted than the
    order has, the items whose current options the customer mentioned first are taken.
    """
    slots = resolve_vague(order, slots)
    excluded = {p.lower() for p in slots.get("excluded_products") or []}
    items = [i for i in order.get("items", []) if i["name"].lower() not in excluded]
    if slots.get("item_ids"):
        return [i for i in items if i["item_id"] in slots["item_ids"]]
    written = [i for i in items if change_for(i, slots, items) is not None]
    if written:
        return written
    if slots.get("all_items"):
        return list(items)
    mentions = [
        p.lower() for p in slots.get("product_mentions") or slots.get("product_types") or []
    ]
    chosen: list[dict[str, Any]] = []
    for product in dict.fromkeys(mentions):
        same = [i for i in items if i["name"].lower() == product]
        wanted = len(same) if slots.get("both") else mentions.count(product)
        if len(same) > wanted:
            values = [v.lower() for v in mentioned_values(slots, product)]
            same = sorted(same, key=lambda item: _first_mention(item, values))[:wanted]
        chosen.extend(same)
    return chosen


def items_by_values(
    order: dict[str, Any], slots: dict[str, Any], products: dict[str, Any]
) -> list[dict[str, Any]]:
    """The one item a change can be about when the customer named only what it should become.

    "Change it to bamboo deck material": an order of one item means that item; otherwise the
    only item whose product offers the named values. Several fits pick none.
    """
    items = order.get("items", [])
    if len(items) == 1:
        return list(items)
    wanted = {str(v).lower() for v in slots.get("option_values") or []}
    wanted |= {str(v).lower() for v in (slots.get("options") or {}).values()}
    if not wanted:
        return []
    fits = []
    for item in items:
        product = products.get(item["product_id"])
        if product is None:
            continue
        offered = {
            str(v).lower() for var in product["variants"].values() for v in var["options"].values()
        }
        if wanted <= offered:
            fits.append(item)
    return fits if len(fits) == 1 else []


def resolve_vague(order: dict[str, Any], slots: dict[str, Any]) -> dict[str, Any]:
    """The slots with each vague mention ('the kettle') read as the order's one such product.

    A mention the order leaves open (it holds two kinds of kettle) stays unread.
    """
    vague = slots.get("vague_products") or []
    if not vague:
        return slots
    names = {i["name"] for i in order.get("items", [])}
    out = dict(slots)
    for mention in vague:
        fits = [c for c in mention["candidates"] if c in names]
        if len(fits) != 1:
            continue
        key = "excluded_products" if mention["excluded"] else "product_mentions"
        out[key] = [*(out.get(key) or []), fits[0]]
        if not mention["excluded"]:
            out["product_types"] = list(dict.fromkeys([*(out.get("product_types") or []), fits[0]]))
    return out


def change_for(
    item: dict[str, Any], slots: dict[str, Any], items: list[dict[str, Any]] | None = None
) -> dict[str, Any] | None:
    """The written-out change ("Kettle {...} to {...}") that names this item, if any.

    The change's current options pick the item among several of one product; a change whose
    options match no item of the order goes to the first item of its product.
    """
    changes = [c for c in slots.get("option_changes") or [] if c["product"] == item["name"]]
    for change in changes:
        if _matches(item["options"], change["current"]):
            return dict(change)
    if not changes:
        return None
    siblings = [i for i in items or [item] if i["name"] == item["name"]]
    matched = [c for c in changes if any(_matches(i["options"], c["current"]) for i in siblings)]
    unmatched = [c for c in changes if c not in matched]
    free = [i for i in siblings if not any(_matches(i["options"], c["current"]) for c in changes)]
    if unmatched and free and free[0]["item_id"] == item["item_id"]:
        return dict(unmatched[0])
    return None


def _matches(options: dict[str, Any], written: dict[str, str]) -> bool:
    """Whether every written option equals the item's, ignoring case."""
    lowered = {k.lower(): str(v).lower() for k, v in options.items()}
    return all(lowered.get(k.lower()) == v.lower() for k, v in written.items())


def _apply(
    options: dict[str, Any], wanted: dict[str, str], values_by_option: dict[str, set[str]]
) -> dict[str, str]:
    """The options with the wanted values, spelled as the catalogue spells them."""
    target = {k: str(v) for k, v in options.items()}
    by_name = {k.lower(): k for k in target}
    for name, value in wanted.items():
        option = by_name.get(name.lower())
        if option is None:
            continue
        spelled = {v.lower(): v for v in values_by_option.get(option, set())}
        target[option] = spelled.get(value.lower(), value)
    return target


def target_options(
    item: dict[str, Any],
    product: dict[str, Any],
    slots: dict[str, Any],
    written: dict[str, Any] | None = None,
) -> dict[str, str]:
    """The item's options after the change the customer asked for.

    A change written out for the item (`change_for`) gives the wanted options outright.
    Otherwise a value the customer tied to an option name ("frame color black") changes that
    option only; a bare value changes the option it belongs to, or, when several options share
    it, those whose current value differs. Later mentions win.
    """
    values_by_option: dict[str, set[str]] = {}
    for variant in product["variants"].values():
        for option, value in variant["options"].items():
            values_by_option.setdefault(option, set()).add(str(value))
    if written is not None and written["wanted"] is not None:
        return _apply(item["options"], written["wanted"], values_by_option)
    named = {k: str(v) for k, v in (slots.get("options") or {}).items() if k in item["options"]}
    target = dict(item["options"])
    for value in mentioned_values(slots, item["name"]):
        owners = [o for o, vs in values_by_option.items() if _same(value, vs)]
        tied = [o for o in owners if _same(named.get(o, ""), {value})]
        if tied:
            owners = tied
        elif len(owners) > 1:
            owners = [o for o in owners if not _same(item["options"][o], {value})]
        for option in owners:
            target[option] = next(v for v in values_by_option[option] if v.lower() == value.lower())
    for option, value in named.items():
        match = next(
            (v for v in values_by_option.get(option, ()) if v.lower() == value.lower()), None
        )
        if match is not None:
            target[option] = match
    return target


def mentioned_values(slots: dict[str, Any], product: str) -> list[str]:
    """Option values the customer mentioned for this product, in order.

    Values said next to the product's name come from `product_options`; without it, every
    mentioned value counts.
    """
    grouped = {k.lower(): v for k, v in (slots.get("product_options") or {}).items()}
    if product.lower() in grouped:
        return [str(v) for v in grouped[product.lower()]]
    values = [str(v) for v in slots.get("option_values") or []]
    return values + [str(v) for v in (slots.get("options") or {}).values() if str(v) not in values]


def find_variant(product: dict[str, Any], options: dict[str, str]) -> dict[str, Any] | None:
    """The available variant with exactly these options."""
    for variant in product["variants"].values():
        if variant["available"] and variant["options"] == options:
            return variant
    return None


def variant_by_price(
    product: dict[str, Any],
    current: dict[str, Any],
    wanted: dict[str, str],
    preference: str,
) -> dict[str, Any] | None:
    """The cheapest (or dearest) available variant with every option the customer changed.

    Used only when the customer chose by price ("whichever is cheaper"); options they did not
    change are free, and the options they did change are never given up.
    """
    changed = {k: v for k, v in wanted.items() if current.get(k) != v}
    fits = [
        v
        for v in product["variants"].values()
        if v["available"] and all(v["options"].get(k) == val for k, val in changed.items())
    ]
    if not fits:
        return None
    pick = min if preference == "lowest" else max
    return pick(fits, key=lambda v: float(v["price"]))


def available_options(product: dict[str, Any]) -> str:
    """A readable list of the product's available variants."""
    return "; ".join(describe_variant(v) for v in product["variants"].values() if v["available"])


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


def _same(value: str, values: set[str] | dict[str, Any]) -> bool:
    return str(value).lower() in {str(v).lower() for v in values}


def _first_mention(item: dict[str, Any], values: list[str]) -> int:
    """Where the earliest mentioned value among the item's current options was said."""
    current = {str(v).lower() for v in item["options"].values()}
    return next((i for i, v in enumerate(values) if v in current), len(values))
