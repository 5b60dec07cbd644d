"""τ-bench retail tools that change the store, with upstream's checks, effects and messages.

Each tool takes the open write `Transaction` as `data`, mutates the loaded records in place and
returns the changed record; the store writes the records back when the tool returns. The order
of the checks follows upstream, since it decides which error message a bad request gets.
"""

from __future__ import annotations

from typing import Any

from supportgraph.commerce.port import ToolError
from supportgraph.commerce.transaction import Transaction

CANCEL_REASONS = ("no longer needed", "ordered by mistake")


def cancel_pending_order(data: Transaction, order_id: str, reason: str) -> dict[str, Any]:
    """Cancel a pending order and refund every payment; gift cards are credited at once."""
    order = _order(data, order_id)
    if order["status"] != "pending":
        raise ToolError("Error: non-pending order cannot be cancelled")
    if reason not in CANCEL_REASONS:
        raise ToolError("Error: invalid reason")
    refunds = []
    for payment in order["payment_history"]:
        method_id = payment["payment_method_id"]
        refunds.append(
            {
                "transaction_type": "refund",
                "amount": payment["amount"],
                "payment_method_id": method_id,
            }
        )
        if "gift_card" in method_id:
            method = _user_method(data, order, method_id)
            method["balance"] = round(method["balance"] + payment["amount"], 2)
    order["status"] = "cancelled"
    order["cancel_reason"] = reason
    order["payment_history"].extend(refunds)
    return order


def modify_pending_order_address(
    data: Transaction,
    order_id: str,
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,  # noqa: A002 - the τ-bench argument name
) -> dict[str, Any]:
    """Replace the shipping address of a pending order."""
    order = _order(data, order_id)
    if order["status"] != "pending":
        raise ToolError("Error: non-pending order cannot be modified")
    order["address"] = _address(address1, address2, city, state, country, zip)
    return order


def modify_pending_order_payment(
    data: Transaction, order_id: str, payment_method_id: str
) -> dict[str, Any]:
    """Pay a pending order with another of the user's methods and refund the original one."""
    order = _order(data, order_id)
    if order["status"] != "pending":
        raise ToolError("Error: non-pending order cannot be modified")
    methods = _user(data, order)["payment_methods"]
    if payment_method_id not in methods:
        raise ToolError("Error: payment method not found")
    history = order["payment_history"]
    if len(history) != 1 or history[0]["transaction_type"] != "payment":
        raise ToolError("Error: there should be exactly one payment for a pending order")
    old_method_id = history[0]["payment_method_id"]
    if old_method_id == payment_method_id:
        raise ToolError("Error: the new payment method should be different from the current one")
    amount = history[0]["amount"]
    method = methods[payment_method_id]
    if method["source"] == "gift_card" and method["balance"] < amount:
        raise ToolError("Error: insufficient gift card balance to pay for the order")
    history.extend(
        [
            {
                "transaction_type": "payment",
                "amount": amount,
                "payment_method_id": payment_method_id,
            },
            {"transaction_type": "refund", "amount": amount, "payment_method_id": old_method_id},
        ]
    )
    if method["source"] == "gift_card":
        method["balance"] = round(method["balance"] - amount, 2)
    if "gift_card" in old_method_id:
        old_method = methods[old_method_id]
        old_method["balance"] = round(old_method["balance"] + amount, 2)
    return order


def modify_pending_order_items(
    data: Transaction,
    order_id: str,
    item_ids: list[str],
    new_item_ids: list[str],
    payment_method_id: str,
) -> dict[str, Any]:
    """Swap items of a pending order for other variants and settle the price difference."""
    order = _order(data, order_id)
    if order["status"] != "pending":
        raise ToolError("Error: non-pending order cannot be modified")
    diff_price = _price_difference(data, order, item_ids, new_item_ids)
    methods = _user(data, order)["payment_methods"]
    if payment_method_id not in methods:
        raise ToolError("Error: payment method not found")
    method = methods[payment_method_id]
    if method["source"] == "gift_card" and method["balance"] < diff_price:
        raise ToolError("Error: insufficient gift card balance to pay for the new item")
    order["payment_history"].append(
        {
            "transaction_type": "payment" if diff_price > 0 else "refund",
            "amount": abs(diff_price),
            "payment_method_id": payment_method_id,
        }
    )
    if method["source"] == "gift_card":
        method["balance"] = round(method["balance"] - diff_price, 2)
    for item_id, new_item_id in zip(item_ids, new_item_ids, strict=True):
        # Like upstream, take the first item that carries the old id at this point, so a
        # duplicated id in the request replaces successive items of the order.
        item = next(item for item in order["items"] if item["item_id"] == item_id)
        variant = _product(data, item["product_id"])["variants"][new_item_id]
        item["item_id"] = new_item_id
        item["price"] = variant["price"]
        item["options"] = variant["options"]
    order["status"] = "pending (item modified)"
    return order


def return_delivered_order_items(
    data: Transaction, order_id: str, item_ids: list[str], payment_method_id: str
) -> dict[str, Any]:
    """Request the return of delivered items, refunded to the original method or a gift card."""
    order = _order(data, order_id)
    if order["status"] != "delivered":
        raise ToolError("Error: non-delivered order cannot be returned")
    if payment_method_id not in _user(data, order)["payment_methods"]:
        raise ToolError("Error: payment method not found")
    original = order["payment_history"][0]["payment_method_id"]
    if "gift_card" not in payment_method_id and payment_method_id != original:
        raise ToolError(
            "Error: payment method should be either the original payment method or a gift card"
        )
    if _missing_item(order, item_ids) is not None:
        raise ToolError("Error: some item not found")
    order["status"] = "return requested"
    order["return_items"] = sorted(item_ids)
    order["return_payment_method_id"] = payment_method_id
    return order


def exchange_delivered_order_items(
    data: Transaction,
    order_id: str,
    item_ids: list[str],
    new_item_ids: list[str],
    payment_method_id: str,
) -> dict[str, Any]:
    """Request an exchange of delivered items; the price difference is recorded, not charged."""
    order = _order(data, order_id)
    if order["status"] != "delivered":
        raise ToolError("Error: non-delivered order cannot be exchanged")
    diff_price = round(_price_difference(data, order, item_ids, new_item_ids), 2)
    methods = _user(data, order)["payment_methods"]
    if payment_method_id not in methods:
        raise ToolError("Error: payment method not found")
    method = methods[payment_method_id]
    if method["source"] == "gift_card" and method["balance"] < diff_price:
        raise ToolError("Error: insufficient gift card balance to pay for the price difference")
    order["status"] = "exchange requested"
    order["exchange_items"] = sorted(item_ids)
    order["exchange_new_items"] = sorted(new_item_ids)
    order["exchange_payment_method_id"] = payment_method_id
    order["exchange_price_difference"] = diff_price
    return order


def modify_user_address(
    data: Transaction,
    user_id: str,
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,  # noqa: A002 - the τ-bench argument name
) -> dict[str, Any]:
    """Replace the user's default address."""
    user = data.user(user_id)
    if user is None:
        raise ToolError("Error: user not found")
    user["address"] = _address(address1, address2, city, state, country, zip)
    return user


def _price_difference(
    data: Transaction, order: dict[str, Any], item_ids: list[str], new_item_ids: list[str]
) -> float:
    """Check an item swap as upstream does and return the summed new-minus-old price."""
    missing = _missing_item(order, item_ids)
    if missing is not None:
        raise ToolError(f"Error: {missing} not found")
    if len(item_ids) != len(new_item_ids):
        raise ToolError("Error: the number of items to be exchanged should match")
    # Upstream starts from the int 0, so an empty swap records 0 rather than 0.0.
    diff_price: float = 0
    for item_id, new_item_id in zip(item_ids, new_item_ids, strict=True):
        item = next(item for item in order["items"] if item["item_id"] == item_id)
        variants = _product(data, item["product_id"])["variants"]
        if not (new_item_id in variants and variants[new_item_id]["available"]):
            raise ToolError(f"Error: new item {new_item_id} not found or available")
        diff_price += variants[new_item_id]["price"] - item["price"]
    return diff_price


def _missing_item(order: dict[str, Any], item_ids: list[str]) -> str | None:
    """Return the first requested id asked for more often than the order holds it."""
    held = [item["item_id"] for item in order["items"]]
    for item_id in item_ids:
        if item_ids.count(item_id) > held.count(item_id):
            return item_id
    return None


def _order(data: Transaction, order_id: str) -> dict[str, Any]:
    order = data.order(order_id)
    if order is None:
        raise ToolError("Error: order not found")
    return order


def _user(data: Transaction, order: dict[str, Any]) -> dict[str, Any]:
    user = data.user(order["user_id"])
    if user is None:
        # Upstream indexes `users[order["user_id"]]` and reports the KeyError as "Error: '<id>'".
        raise ToolError(f"Error: {order['user_id']!r}")
    return user


def _user_method(data: Transaction, order: dict[str, Any], method_id: str) -> dict[str, Any]:
    methods = _user(data, order)["payment_methods"]
    if method_id not in methods:
        raise ToolError(f"Error: {method_id!r}")
    return methods[method_id]


def _product(data: Transaction, product_id: str) -> dict[str, Any]:
    product = data.product(product_id)
    if product is None:
        raise ToolError(f"Error: {product_id!r}")
    return product


def _address(
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,  # noqa: A002
) -> dict[str, str]:
    return {
        "address1": address1,
        "address2": address2,
        "city": city,
        "state": state,
        "country": country,
        "zip": zip,
    }
