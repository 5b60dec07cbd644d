"""Confirmation questions: the exact details of a write, shown before the customer's yes."""

from __future__ import annotations

from typing import Any

QUESTION = "{summary}\n\nShall I go ahead? Please answer yes or no."
WAITING = "Waiting for the customer's confirmation of: {summary}"
DECLINED = "The customer did not confirm; nothing was changed."
ONE_AT_A_TIME = "Denied: one change at a time. Call this again after the pending one is settled."

ONCE_ONLY = (
    "Please note this can be done only once for this order, so make sure you have listed "
    "every item you want to change."
)


def describe_action(
    call: dict[str, Any], order: dict[str, Any] | None, user: dict[str, Any] | None
) -> str:
    """Describe a write tool call in the customer's terms.

    Args:
        call: The tool call (`name`, `args`).
        order: The order it acts on, if any, to name items and amounts.
        user: The customer's record, to name payment methods.
    """
    name, args = call["name"], call.get("args") or {}
    order_id = args.get("order_id", "")
    pay = _payment(args.get("payment_method_id"), user)
    if name == "cancel_pending_order":
        return f"I'll cancel order {order_id} (reason: {args.get('reason')})."
    if name in ("modify_pending_order_address", "modify_user_address"):
        target = f"the shipping address of order {order_id}" if order_id else "your default address"
        return f"I'll change {target} to {_address(args)}."
    if name == "modify_pending_order_payment":
        return f"I'll change the payment method of order {order_id} to {pay}."
    if name == "return_delivered_order_items":
        items = _items(args.get("item_ids", []), order)
        return f"I'll request a return from order {order_id} of: {items}. Refund to {pay}."
    if name in ("modify_pending_order_items", "exchange_delivered_order_items"):
        verb = "exchange" if name.startswith("exchange") else "change"
        old = _items(args.get("item_ids", []), order)
        new = ", ".join(args.get("new_item_ids", []))
        return (
            f"I'll {verb} in order {order_id}: {old} for new item(s) {new}. "
            f"Any price difference goes through {pay}. {ONCE_ONLY}"
        )
    return f"I'll run {name} with {args}."


def _address(args: dict[str, Any]) -> str:
    parts = [args.get(k, "") for k in ("address1", "address2", "city", "state", "zip", "country")]
    return ", ".join(p for p in parts if p)


def _items(item_ids: list[str], order: dict[str, Any] | None) -> str:
    by_id = {item["item_id"]: item for item in (order or {}).get("items", [])}
    names = []
    for item_id in item_ids:
        item = by_id.get(item_id)
        if item is None:
            names.append(f"item {item_id}")
            continue
        options = ", ".join(f"{v}" for v in item.get("options", {}).values())
        names.append(f"{item['name']} ({options}; ${item['price']:.2f}, item {item_id})")
    return "; ".join(names)


def _payment(method_id: str | None, user: dict[str, Any] | None) -> str:
    if not method_id:
        return ""
    method = (user or {}).get("payment_methods", {}).get(method_id, {})
    source = method.get("source", "")
    if source == "credit_card":
        return f"{method.get('brand', 'credit').title()} card ending in {method.get('last_four')}"
    if source == "gift_card":
        return f"gift card {method_id} (balance ${method.get('balance', 0):.2f})"
    if source == "paypal":
        return f"PayPal ({method_id})"
    return method_id
