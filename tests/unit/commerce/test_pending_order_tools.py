"""Cancel and modify tools on pending orders: effects and every τ-bench error message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supportgraph.commerce.port import ToolError
from supportgraph.commerce.store import Store

Run = Callable[..., Any]
ADDRESS = {
    "address1": "1 Main St",
    "address2": "Apt 2",
    "city": "Austin",
    "state": "TX",
    "country": "USA",
    "zip": "78701",
}


def refusal(run: Run, name: str, **arguments: Any) -> str:
    with pytest.raises(ToolError) as caught:
        run(name, **arguments)
    return str(caught.value)


def set_balance(store: Store, user_id: str, method_id: str, value: float) -> None:
    with store.transaction(write=True) as data:
        data.user(user_id)["payment_methods"][method_id]["balance"] = value


def balance(run: Run, user_id: str, method_id: str) -> Any:
    return run("get_user_details", user_id=user_id)["payment_methods"][method_id]["balance"]


def test_that_cancelling_a_gift_card_order_credits_the_card_at_once(run: Run, shipped) -> None:
    order = shipped.order("pending", paid_with="gift_card")
    payment = order["payment_history"][0]
    before = balance(run, order["user_id"], payment["payment_method_id"])

    result = run("cancel_pending_order", order_id=order["order_id"], reason="no longer needed")

    assert result["status"] == "cancelled"
    assert result["cancel_reason"] == "no longer needed"
    assert result["payment_history"] == [payment, {**payment, "transaction_type": "refund"}]
    expected = round(before + payment["amount"], 2)
    assert balance(run, order["user_id"], payment["payment_method_id"]) == expected
    assert run("get_order_details", order_id=order["order_id"]) == result


def test_that_cancelling_a_card_order_records_a_refund_without_a_balance(run: Run, shipped) -> None:
    order = shipped.order("pending", paid_with="credit_card")
    method_id = order["payment_history"][0]["payment_method_id"]

    result = run("cancel_pending_order", order_id=order["order_id"], reason="ordered by mistake")

    assert result["payment_history"][-1] == {
        "transaction_type": "refund",
        "amount": order["payment_history"][0]["amount"],
        "payment_method_id": method_id,
    }
    user = run("get_user_details", user_id=order["user_id"])
    assert "balance" not in user["payment_methods"][method_id]


def test_that_cancel_checks_status_before_reason_and_changes_nothing(
    run: Run, shipped, store: Store
) -> None:
    processed = shipped.order("processed")["order_id"]
    pending = shipped.order("pending")["order_id"]
    before = store.state_hash()

    assert refusal(run, "cancel_pending_order", order_id=processed, reason="bored") == (
        "Error: non-pending order cannot be cancelled"
    )
    assert refusal(run, "cancel_pending_order", order_id=pending, reason="bored") == (
        "Error: invalid reason"
    )
    assert refusal(run, "cancel_pending_order", order_id="#W0", reason="no longer needed") == (
        "Error: order not found"
    )
    assert store.state_hash() == before


def test_that_a_pending_order_address_is_replaced_field_by_field(run: Run, shipped) -> None:
    order = shipped.order("pending")

    result = run("modify_pending_order_address", order_id=order["order_id"], **ADDRESS)

    assert result["address"] == ADDRESS
    assert {k: v for k, v in result.items() if k != "address"} == {
        k: v for k, v in order.items() if k != "address"
    }
    delivered = shipped.order("delivered")["order_id"]
    assert refusal(run, "modify_pending_order_address", order_id=delivered, **ADDRESS) == (
        "Error: non-pending order cannot be modified"
    )


def test_that_paying_with_a_gift_card_charges_it_and_refunds_the_old_method(
    run: Run, shipped, store: Store
) -> None:
    order = shipped.order("pending", paid_with="credit_card", user_has=("gift_card",))
    card = {**shipped.method(order["user_id"], "gift_card"), "balance": 5000.55}
    set_balance(store, order["user_id"], card["id"], card["balance"])
    old = order["payment_history"][0]

    result = run(
        "modify_pending_order_payment", order_id=order["order_id"], payment_method_id=card["id"]
    )

    assert result["payment_history"] == [
        old,
        {"transaction_type": "payment", "amount": old["amount"], "payment_method_id": card["id"]},
        {**old, "transaction_type": "refund"},
    ]
    assert result["status"] == "pending"
    assert balance(run, order["user_id"], card["id"]) == round(card["balance"] - old["amount"], 2)


def test_that_leaving_a_gift_card_credits_it_back(run: Run, shipped) -> None:
    order = shipped.order("pending", paid_with="gift_card", user_has=("credit_card",))
    old = order["payment_history"][0]
    card = shipped.users[order["user_id"]]["payment_methods"][old["payment_method_id"]]
    new = shipped.method(order["user_id"], "credit_card")

    run("modify_pending_order_payment", order_id=order["order_id"], payment_method_id=new["id"])

    assert balance(run, order["user_id"], card["id"]) == round(card["balance"] + old["amount"], 2)


def test_that_modify_payment_reports_each_refusal(run: Run, shipped, store: Store) -> None:
    order = shipped.order("pending", paid_with="credit_card", user_has=("gift_card",))
    order_id, user_id = order["order_id"], order["user_id"]
    current = order["payment_history"][0]["payment_method_id"]
    poor = dict(shipped.method(user_id, "gift_card"))
    set_balance(store, user_id, poor["id"], 0)
    modify = "modify_pending_order_payment"

    assert refusal(run, modify, order_id=order_id, payment_method_id=poor["id"]) == (
        "Error: insufficient gift card balance to pay for the order"
    )
    assert refusal(run, modify, order_id=order_id, payment_method_id=current) == (
        "Error: the new payment method should be different from the current one"
    )
    foreign = shipped.foreign_method(user_id)
    assert refusal(run, modify, order_id=order_id, payment_method_id=foreign) == (
        "Error: payment method not found"
    )
    processed = shipped.order("processed")["order_id"]
    assert refusal(run, modify, order_id=processed, payment_method_id=current) == (
        "Error: non-pending order cannot be modified"
    )
    with store.transaction(write=True) as data:
        data.order(order_id)["payment_history"].append(
            {"transaction_type": "payment", "amount": 1.0, "payment_method_id": current}
        )
    assert refusal(run, modify, order_id=order_id, payment_method_id=poor["id"]) == (
        "Error: there should be exactly one payment for a pending order"
    )


def test_that_a_dearer_item_is_charged_to_the_gift_card(run: Run, shipped, store: Store) -> None:
    order = shipped.order("pending", paid_with="gift_card")
    item, new_id = shipped.swap(order, dearer=True)
    card = {"id": order["payment_history"][0]["payment_method_id"], "balance": 120.07}
    set_balance(store, order["user_id"], card["id"], card["balance"])
    variant = shipped.variant(item["product_id"], new_id)
    diff = variant["price"] - item["price"]
    assert 0 < diff <= card["balance"]

    result = run(
        "modify_pending_order_items",
        order_id=order["order_id"],
        item_ids=[item["item_id"]],
        new_item_ids=[new_id],
        payment_method_id=card["id"],
    )

    assert result["status"] == "pending (item modified)"
    assert result["payment_history"][-1] == {
        "transaction_type": "payment",
        "amount": abs(diff),
        "payment_method_id": card["id"],
    }
    changed = next(i for i in result["items"] if i["item_id"] == new_id)
    assert changed == {
        **item,
        "item_id": new_id,
        "price": variant["price"],
        "options": variant["options"],
    }
    assert balance(run, order["user_id"], card["id"]) == round(card["balance"] - diff, 2)
    assert (
        refusal(
            run,
            "modify_pending_order_items",
            order_id=order["order_id"],
            item_ids=[new_id],
            new_item_ids=[new_id],
            payment_method_id=card["id"],
        )
        == "Error: non-pending order cannot be modified"
    )


def test_that_a_cheaper_item_is_refunded(run: Run, shipped) -> None:
    order = shipped.order("pending", paid_with="credit_card")
    item, new_id = shipped.swap(order, dearer=False)
    method_id = order["payment_history"][0]["payment_method_id"]
    diff = shipped.variant(item["product_id"], new_id)["price"] - item["price"]

    result = run(
        "modify_pending_order_items",
        order_id=order["order_id"],
        item_ids=[item["item_id"]],
        new_item_ids=[new_id],
        payment_method_id=method_id,
    )

    assert diff < 0
    assert result["payment_history"][-1] == {
        "transaction_type": "refund",
        "amount": abs(diff),
        "payment_method_id": method_id,
    }


def test_that_modify_items_reports_each_refusal(run: Run, shipped, store: Store) -> None:
    order = shipped.order("pending", paid_with="gift_card")
    order_id, card_id = order["order_id"], order["payment_history"][0]["payment_method_id"]
    item, dearer_id = shipped.swap(order, dearer=True)
    _, unavailable_id = shipped.swap(order, available=False)
    other_product_item = next(
        v
        for p in shipped.products.values()
        if p["product_id"] != item["product_id"]
        for v in p["variants"].values()
        if v["available"]
    )["item_id"]
    modify = "modify_pending_order_items"

    def attempt(item_ids: list[str], new_ids: list[str], method: str = card_id) -> str:
        return refusal(
            run,
            modify,
            order_id=order_id,
            item_ids=item_ids,
            new_item_ids=new_ids,
            payment_method_id=method,
        )

    assert attempt(["0000000000"], [dearer_id]) == "Error: 0000000000 not found"
    assert attempt([item["item_id"]] * 2, [dearer_id] * 2) == f"Error: {item['item_id']} not found"
    assert attempt([item["item_id"]], []) == (
        "Error: the number of items to be exchanged should match"
    )
    unavailable_item = next(
        i for i in order["items"] if unavailable_id in shipped.products[i["product_id"]]["variants"]
    )
    assert attempt([unavailable_item["item_id"]], [unavailable_id]) == (
        f"Error: new item {unavailable_id} not found or available"
    )
    assert attempt([item["item_id"]], [other_product_item]) == (
        f"Error: new item {other_product_item} not found or available"
    )
    assert attempt([item["item_id"]], [dearer_id], shipped.foreign_method(order["user_id"])) == (
        "Error: payment method not found"
    )
    set_balance(store, order["user_id"], card_id, 0)
    assert attempt([item["item_id"]], [dearer_id]) == (
        "Error: insufficient gift card balance to pay for the new item"
    )
    assert run("get_order_details", order_id=order_id) == order
