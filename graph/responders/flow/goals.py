"""One planner per customer goal: each returns the next step toward it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from supportgraph.graph.responders.flow.orders import actionable_order, need_user, resolve_order
from supportgraph.graph.responders.flow.records import (
    available_options,
    change_for,
    describe_items,
    describe_method,
    describe_methods,
    find_variant,
    format_address,
    items_by_values,
    items_total,
    original_method,
    resolve_method,
    select_items,
    target_options,
    variant_by_price,
)
from supportgraph.graph.responders.flow.step import Step, call, cite_order, cite_user, say
from supportgraph.graph.state import Customer
from supportgraph.prompts import flow as replies

if TYPE_CHECKING:
    from supportgraph.graph.responders.flow.memory import FlowMemory

ADDRESS_KEYS = ("address1", "city", "state", "zip")


def order_status(memory: FlowMemory, customer: Customer) -> Step:
    """Status, items and tracking of one order."""
    order, step = resolve_order(memory, customer)
    if step:
        return step
    assert order is not None
    tracking = [t for f in order.get("fulfillments", []) for t in f.get("tracking_id", [])]
    text = replies.ORDER_STATUS.format(
        order_id=order["order_id"],
        status=order["status"],
        items=describe_items(order),
        tracking=replies.TRACKING.format(ids=", ".join(tracking)) if tracking else "",
    )
    return say(text, cites=[cite_order(order["order_id"])])


def account_info(memory: FlowMemory, customer: Customer) -> Step:
    """The customer's profile, payment methods and orders."""
    if step := need_user(memory, customer):
        return step
    user = memory.user or {}
    name = user.get("name", {})
    text = replies.PROFILE.format(
        name=f"{name.get('first_name', '')} {name.get('last_name', '')}".strip(),
        email=user.get("email", ""),
        address=format_address(user.get("address", {})),
        methods=describe_methods(user),
        orders=", ".join(user.get("orders", [])),
    )
    return say(text, cites=[cite_user(customer["user_id"])])


def cancel_order(memory: FlowMemory, customer: Customer) -> Step:
    """Cancel a pending order with one of the two allowed reasons."""
    order = actionable_order(memory, customer, ("pending",), "cancelled")
    if isinstance(order, Step):
        return order
    reason = memory.slots.get("reason")
    if not reason:
        return say(replies.ASK_REASON, asked="reason")
    return call("cancel_pending_order", order_id=order["order_id"], reason=reason)


def refund_order(memory: FlowMemory, customer: Customer) -> Step:
    """A refund wish ("I want my money back"): cancel a pending order, return a delivered one.

    The customer names the outcome; the order's status decides the action, as for changes.
    """
    order = actionable_order(memory, customer, ("pending", "delivered"), "refunded")
    if isinstance(order, Step):
        return order
    if order["status"] == "pending":
        memory.goal = "cancel_order"
        return cancel_order(memory, customer)
    memory.goal = "return_items"
    return return_items(memory, customer)


def modify_order_address(memory: FlowMemory, customer: Customer) -> Step:
    """Change the shipping address of a pending order."""
    order = actionable_order(memory, customer, ("pending",), "changed")
    if isinstance(order, Step):
        return order
    address, step = _new_address(memory, customer)
    if step:
        return step
    return call("modify_pending_order_address", order_id=order["order_id"], **address)


def modify_user_address(memory: FlowMemory, customer: Customer) -> Step:
    """Change the customer's default address, or an order's when the customer named one."""
    slots = memory.slots
    if slots.get("order_id") and not slots.get("carried"):
        return modify_order_address(memory, customer)
    address, step = _new_address(memory, customer)
    if step:
        return step
    return call("modify_user_address", user_id=customer["user_id"], **address)


def modify_order_payment(memory: FlowMemory, customer: Customer) -> Step:
    """Pay a pending order with another of the customer's methods."""
    order = actionable_order(memory, customer, ("pending",), "changed")
    if isinstance(order, Step):
        return order
    if step := need_user(memory, customer):
        return step
    user = memory.user or {}
    method = resolve_method(memory.slots, user)
    if method is None:
        purpose = "pay for this order"
        return say(
            replies.ASK_PAYMENT.format(purpose=purpose, methods=describe_methods(user)),
            asked="payment",
        )
    if method == original_method(order):
        text = replies.SAME_PAYMENT.format(
            order_id=order["order_id"], method=describe_method(method, user)
        )
        return say(text, asked="payment")
    details = user.get("payment_methods", {}).get(method, {})
    total = items_total(order.get("items", []))
    if details.get("source") == "gift_card" and float(details.get("balance", 0)) < total:
        # The store would refuse it: say why now, and drop the request, rather than ask for a
        # yes to a change that can't happen.
        memory.goal, memory.slots = None, {}
        text = replies.GIFT_CARD_SHORT.format(
            method=describe_method(method, user), order_id=order["order_id"], total=total
        )
        return say(text, cites=[cite_order(order["order_id"]), cite_user(customer["user_id"])])
    return call(
        "modify_pending_order_payment", order_id=order["order_id"], payment_method_id=method
    )


def return_items(memory: FlowMemory, customer: Customer) -> Step:
    """Return items of a delivered order, refunded to the original method or a gift card."""
    order = actionable_order(memory, customer, ("delivered",), "returned")
    if isinstance(order, Step):
        return order
    items = select_items(order, memory.slots)
    if not items:
        text = replies.ASK_ITEMS.format(
            verb="return", order_id=order["order_id"], items=describe_items(order)
        )
        return say(text, asked="items")
    if step := need_user(memory, customer):
        return step
    user, original = memory.user or {}, original_method(order)
    method = resolve_method(memory.slots, user)
    if method is None and memory.slots.get("refund_to_original"):
        method = original
    gift_cards = [
        m
        for m, v in user.get("payment_methods", {}).items()
        if v["source"] == "gift_card" and m != original
    ]
    if not gift_cards and (method is None or method == original):
        # The original method is then the only place a refund can go: the confirmation
        # names it, so no question is needed.
        method = original
    if method is None or (method != original and method not in gift_cards):
        original_text = describe_method(original, user)
        if not gift_cards:
            text = replies.ASK_REFUND_ORIGINAL.format(original=original_text)
            return say(text, asked="refund_original")
        text = replies.ASK_REFUND.format(
            original=original_text,
            gift_cards=", ".join(describe_method(g, user) for g in gift_cards),
        )
        return say(text, asked="payment")
    return call(
        "return_delivered_order_items",
        order_id=order["order_id"],
        item_ids=[i["item_id"] for i in items],
        payment_method_id=method,
    )


def change_items(memory: FlowMemory, customer: Customer) -> Step:
    """Swap items for other options of the same product.

    The order's status decides the tool: a pending order is modified, a delivered one is
    exchanged, whichever word the customer used.
    """
    order = actionable_order(memory, customer, ("pending", "delivered"), "changed or exchanged")
    if isinstance(order, Step):
        return order
    exchange = order["status"] == "delivered"
    slots = memory.slots
    items = select_items(order, slots) or items_by_values(order, slots, memory.products)
    if not items:
        verb = "exchange" if exchange else "change"
        text = replies.ASK_ITEMS.format(
            verb=verb, order_id=order["order_id"], items=describe_items(order)
        )
        return say(text, asked="items")
    new_ids = []
    for item in items:
        product = memory.products.get(item["product_id"])
        if product is None:
            return call("get_product_details", product_id=item["product_id"])
        # The written-out change is picked among the order's items, once, for both readings.
        written = change_for(item, slots, order["items"])
        wanted = target_options(item, product, slots, written)
        # "A brand-new identical one" is a replacement: the same variant, if available.
        same = (
            slots.get("same_item")
            or item["name"] in (slots.get("same_item_products") or [])
            or (written is not None and written["wanted"] == {})
        )
        if wanted == item["options"] and not same:
            text = replies.ASK_OPTIONS.format(name=item["name"], options=available_options(product))
            return say(text, asked="options")
        variant = find_variant(product, wanted)
        if variant is None and slots.get("price_preference"):
            variant = variant_by_price(product, item["options"], wanted, slots["price_preference"])
        if variant is None:
            text = replies.NO_VARIANT.format(
                name=item["name"],
                wanted=", ".join(map(str, wanted.values())),
                options=available_options(product),
            )
            return say(text, asked="options")
        new_ids.append(variant["item_id"])
    if step := need_user(memory, customer):
        return step
    user = memory.user or {}
    method = resolve_method(slots, user)
    if method is None and slots.get("refund_to_original"):
        method = original_method(order)
    if method is None and len(user.get("payment_methods", {})) == 1:
        # One method on file is the only one that can settle the difference; the
        # confirmation names it.
        method = next(iter(user["payment_methods"]))
    if method is None:
        purpose = "pay or receive the price difference"
        return say(
            replies.ASK_PAYMENT.format(purpose=purpose, methods=describe_methods(user)),
            asked="payment",
        )
    tool = "exchange_delivered_order_items" if exchange else "modify_pending_order_items"
    return call(
        tool,
        order_id=order["order_id"],
        item_ids=[i["item_id"] for i in items],
        new_item_ids=new_ids,
        payment_method_id=method,
    )


def _new_address(memory: FlowMemory, customer: Customer) -> tuple[dict[str, str], Step | None]:
    """The complete new address from the customer's words or from another of their orders."""
    slots = memory.slots
    for other in slots.get("other_order_ids") or []:
        if other in customer["order_ids"]:
            if other not in memory.orders:
                return {}, call("get_order_details", order_id=other)
            slots["address"] = dict(memory.orders[other]["address"])
            break
    address = dict(slots.get("address") or {})
    if not all(address.get(k) for k in ADDRESS_KEYS):
        return {}, say(replies.ASK_ADDRESS, asked="address")
    address.setdefault("address2", "")
    address.setdefault("country", "USA")
    keys = ("address1", "address2", "city", "state", "country", "zip")
    return {k: str(address[k]) for k in keys}, None
