"""Answers to questions about the customer's own records, computed from those records.

Each figure (a price, a total, a refund, the method that paid) is worked out from the order
and profile records the tools returned in this conversation, and the answer cites them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supportgraph.graph.responders.flow.orders import need_user, resolve_order
from supportgraph.graph.responders.flow.records import (
    describe_item,
    describe_method,
    describe_variant,
    items_total,
    original_method,
    select_items,
)
from supportgraph.graph.responders.flow.step import (
    Step,
    call,
    cite_order,
    cite_product,
    cite_user,
    reads,
    say,
)
from supportgraph.graph.state import Customer
from supportgraph.prompts import flow as replies

if TYPE_CHECKING:
    from supportgraph.graph.responders.flow.memory import FlowMemory

NEEDS_USER = frozenset({"payment_used"})
NEEDS_NO_ORDER = frozenset({"order_count"})


def answer_questions(
    memory: FlowMemory, customer: Customer
) -> tuple[str, list[dict[str, Any]], Step | None]:
    """The answers to the questions in the slots, or the read that gets closer to them.

    Returns:
        (text, citations, None) once every question is answered, or ("", [], step) while a
        record still has to be read; a question about an unknown order returns that step's
        question for the customer.
    """
    slots = memory.slots
    kinds: list[str] = list(slots.get("record_questions") or [])
    if NEEDS_USER & set(kinds) and (step := need_user(memory, customer)):
        return "", [], step
    order: dict[str, Any] | None = None
    if set(kinds) - NEEDS_NO_ORDER:
        order, step = resolve_order(memory, customer)
        if step is not None:
            return "", [], step
    texts, cites = [], []
    for kind in kinds:
        if kind == "order_count":
            orders = customer["order_ids"]
            texts.append(replies.ORDER_COUNT.format(count=len(orders), orders=", ".join(orders)))
            cites.append(cite_user(customer["user_id"]))
            continue
        assert order is not None
        texts.append(_figure(kind, order, memory))
        cites.append(cite_order(order["order_id"]))
    slots.pop("record_questions", None)
    return " ".join(texts), cites, None


def _figure(kind: str, order: dict[str, Any], memory: FlowMemory) -> str:
    """One figure of one order, in a sentence."""
    items = order.get("items", [])
    order_id = order["order_id"]
    if kind in ("priciest_item", "cheapest_item") and items:
        pick = max if kind == "priciest_item" else min
        item = pick(items, key=lambda i: float(i["price"]))
        return replies.EXTREME_ITEM.format(
            which="most expensive" if kind == "priciest_item" else "least expensive",
            order_id=order_id,
            item=describe_item(item),
            price=float(item["price"]),
        )
    if kind == "item_price":
        chosen = select_items(order, memory.slots) or items
        listing = "; ".join(f"{describe_item(i)}: ${float(i['price']):.2f}" for i in chosen)
        return replies.ITEM_PRICES.format(order_id=order_id, listing=listing)
    if kind == "order_total":
        total = items_total(items)
        return replies.ORDER_TOTAL.format(order_id=order_id, total=total, count=len(items))
    if kind == "payment_used":
        method = original_method(order)
        return replies.PAID_WITH.format(
            order_id=order_id, method=describe_method(method, memory.user or {})
        )
    if kind == "refund_total":
        return _refunds(order, memory)
    if kind == "tracking":
        ids = [t for f in order.get("fulfillments", []) for t in f.get("tracking_id", [])]
        if not ids:
            return replies.NO_TRACKING.format(order_id=order_id, status=order["status"])
        return replies.TRACKING_IDS.format(order_id=order_id, ids=", ".join(ids))
    if kind == "item_count":
        return replies.ITEM_COUNT.format(order_id=order_id, count=len(items))
    return ""


def _refunds(order: dict[str, Any], memory: FlowMemory) -> str:
    """Refunds made on the orders read in this conversation, else what one would come to.

    The second is a refund of the items the customer named, or of the whole order in focus.
    """
    made = [
        (o["order_id"], float(p["amount"]))
        for o in memory.orders.values()
        for p in o.get("payment_history", [])
        if p.get("transaction_type") == "refund"
    ]
    if made:
        listing = "; ".join(f"{order_id}: ${amount:.2f}" for order_id, amount in made)
        return replies.REFUNDS_MADE.format(total=sum(a for _, a in made), listing=listing)
    chosen = select_items(order, memory.slots) or order.get("items", [])
    total = items_total(chosen)
    return replies.REFUND_WOULD_BE.format(
        order_id=order["order_id"], total=total, items=", ".join(i["name"] for i in chosen)
    )


def record_question(memory: FlowMemory, customer: Customer) -> Step:
    """Answer the customer's questions about their records; the goal ends with the answer."""
    text, cites, step = answer_questions(memory, customer)
    return step if step is not None else say(text or replies.CLARIFY, cites=cites)


def recommend(memory: FlowMemory, customer: Customer) -> Step:
    """Other available variants of a product the customer owns, cheaper when they ask so.

    Grounded in their order (what they have and paid) and the catalogue (what is available
    now); nothing outside the product's own variants is suggested.
    """
    slots = memory.slots
    names = {p.lower() for p in slots.get("product_types") or []}
    for mention in slots.get("vague_products") or []:
        names |= {c.lower() for c in mention["candidates"]}
    unread = [o for o in customer["order_ids"] if o not in memory.orders]
    if unread:
        return reads("get_order_details", "order_id", unread)
    owned = [
        (order, item)
        for order in (memory.orders[o] for o in customer["order_ids"])
        for item in order.get("items", [])
        if not names or item["name"].lower() in names
    ]
    if not owned:
        return say(replies.WHICH_OWNED)
    order, item = owned[-1]
    product = memory.products.get(item["product_id"])
    if product is None:
        return call("get_product_details", product_id=item["product_id"])
    paid = float(item["price"])
    cheaper = slots.get("price_preference") == "lowest" or bool(slots.get("cheaper"))
    offers = [
        v
        for v in product["variants"].values()
        if v["available"]
        and v["item_id"] != item["item_id"]
        and (not cheaper or float(v["price"]) < paid)
    ]
    offers.sort(key=lambda v: float(v["price"]))
    cites = [cite_order(order["order_id"]), cite_product(item["product_id"])]
    if not offers:
        return say(replies.NO_ALTERNATIVE.format(item=describe_item(item), paid=paid), cites=cites)
    listing = "; ".join(describe_variant(v) for v in offers[:5])
    text = replies.ALTERNATIVES.format(
        item=describe_item(item), paid=paid, order_id=order["order_id"], listing=listing
    )
    return say(text, cites=cites)
