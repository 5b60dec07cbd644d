"""Return, exchange, user-address and duplicate-item behaviour of the retail write tools."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supportgraph.commerce.port import ToolError
from supportgraph.commerce.store import Store

Run = Callable[..., Any]


def refusal(run: Run, name: str, **arguments: Any) -> str:
    with pytest.raises(ToolError) as caught:
        run(name, **arguments)
    return str(caught.value)


def test_that_a_return_records_sorted_items_and_the_refund_method(run: Run, shipped) -> None:
    order = shipped.order("delivered", paid_with="credit_card")
    item_ids = [item["item_id"] for item in order["items"]][::-1]
    original = order["payment_history"][0]["payment_method_id"]

    result = run(
        "return_delivered_order_items",
        order_id=order["order_id"],
        item_ids=item_ids,
        payment_method_id=original,
    )

    assert result["status"] == "return requested"
    assert result["return_items"] == sorted(item_ids)
    assert result["return_payment_method_id"] == original
    assert result["payment_history"] == order["payment_history"]
    assert run("get_order_details", order_id=order["order_id"]) == result


def test_that_a_return_may_go_to_any_gift_card_of_the_user(run: Run, shipped) -> None:
    order = shipped.order("delivered", paid_with="credit_card", user_has=("gift_card",))
    card = shipped.method(order["user_id"], "gift_card")

    result = run(
        "return_delivered_order_items",
        order_id=order["order_id"],
        item_ids=[order["items"][0]["item_id"]],
        payment_method_id=card["id"],
    )

    assert result["return_payment_method_id"] == card["id"]
    user = run("get_user_details", user_id=order["user_id"])
    assert user["payment_methods"][card["id"]]["balance"] == card["balance"]


def test_that_return_reports_each_refusal(run: Run, shipped, store: Store) -> None:
    order = shipped.order("delivered", paid_with="paypal", user_has=("credit_card",))
    order_id, original = order["order_id"], order["payment_history"][0]["payment_method_id"]
    other_card = shipped.method(order["user_id"], "credit_card")["id"]
    item_id = order["items"][0]["item_id"]
    before = store.state_hash()

    def attempt(item_ids: list[str], method: str, target: str = order_id) -> str:
        return refusal(
            run,
            "return_delivered_order_items",
            order_id=target,
            item_ids=item_ids,
            payment_method_id=method,
        )

    assert attempt([item_id], other_card) == (
        "Error: payment method should be either the original payment method or a gift card"
    )
    assert attempt([item_id], shipped.foreign_method(order["user_id"])) == (
        "Error: payment method not found"
    )
    assert attempt([item_id] * (len(order["items"]) + 1), original) == "Error: some item not found"
    pending = shipped.order("pending")["order_id"]
    assert attempt([item_id], original, pending) == "Error: non-delivered order cannot be returned"
    assert attempt([item_id], original, "#W0") == "Error: order not found"
    assert store.state_hash() == before


def test_that_an_exchange_records_the_rounded_difference_without_charging(
    run: Run, shipped
) -> None:
    order = shipped.order("delivered", paid_with="gift_card")
    item, new_id = shipped.swap(order, dearer=False)
    card_id = order["payment_history"][0]["payment_method_id"]
    diff = round(shipped.variant(item["product_id"], new_id)["price"] - item["price"], 2)

    result = run(
        "exchange_delivered_order_items",
        order_id=order["order_id"],
        item_ids=[item["item_id"]],
        new_item_ids=[new_id],
        payment_method_id=card_id,
    )

    assert result["status"] == "exchange requested"
    assert result["exchange_items"] == [item["item_id"]]
    assert result["exchange_new_items"] == [new_id]
    assert result["exchange_payment_method_id"] == card_id
    assert result["exchange_price_difference"] == diff < 0
    assert result["items"] == order["items"]
    assert result["payment_history"] == order["payment_history"]
    balance_now = run("get_user_details", user_id=order["user_id"])["payment_methods"][card_id]
    assert balance_now == shipped.users[order["user_id"]]["payment_methods"][card_id]


def test_that_exchange_reports_each_refusal(run: Run, shipped, store: Store) -> None:
    order = shipped.order("delivered", paid_with="gift_card")
    order_id, card_id = order["order_id"], order["payment_history"][0]["payment_method_id"]
    item, dearer_id = shipped.swap(order, dearer=True)
    _, unavailable_id = shipped.swap(order, available=False)
    unavailable_item = next(
        i for i in order["items"] if unavailable_id in shipped.products[i["product_id"]]["variants"]
    )

    def attempt(olds: list[str], news: list[str], method: str = card_id, target: str = order_id):
        return refusal(
            run,
            "exchange_delivered_order_items",
            order_id=target,
            item_ids=olds,
            new_item_ids=news,
            payment_method_id=method,
        )

    assert attempt(["1"], [dearer_id]) == "Error: 1 not found"
    assert attempt([item["item_id"]], [dearer_id, dearer_id]) == (
        "Error: the number of items to be exchanged should match"
    )
    assert attempt([unavailable_item["item_id"]], [unavailable_id]) == (
        f"Error: new item {unavailable_id} not found or available"
    )
    assert attempt([item["item_id"]], [dearer_id], "gift_card_0") == (
        "Error: payment method not found"
    )
    with store.transaction(write=True) as data:
        data.user(order["user_id"])["payment_methods"][card_id]["balance"] = 0
    assert attempt([item["item_id"]], [dearer_id]) == (
        "Error: insufficient gift card balance to pay for the price difference"
    )
    pending = shipped.order("pending")
    assert attempt([item["item_id"]], [dearer_id], target=pending["order_id"]) == (
        "Error: non-delivered order cannot be exchanged"
    )
    assert run("get_order_details", order_id=order_id) == order


def test_that_the_user_address_is_replaced_and_the_record_returned(run: Run, shipped) -> None:
    user_id = next(iter(shipped.users))
    address = {
        "address1": "9 Elm",
        "address2": "",
        "city": "Reno",
        "state": "NV",
        "country": "USA",
        "zip": "89501",
    }

    result = run("modify_user_address", user_id=user_id, **address)

    assert result == {**shipped.users[user_id], "address": address}
    assert run("get_user_details", user_id=user_id) == result
    assert (
        run(
            "find_user_id_by_name_zip",
            first_name=result["name"]["first_name"],
            last_name=result["name"]["last_name"],
            zip="89501",
        )
        == user_id
    )
    assert refusal(run, "modify_user_address", user_id="nobody_1", **address) == (
        "Error: user not found"
    )


def test_that_duplicate_item_ids_replace_successive_order_lines(run: Run, shipped) -> None:
    order = next(
        o
        for o in shipped.orders.values()
        if o["status"] == "pending" and len({i["item_id"] for i in o["items"]}) < len(o["items"])
    )
    seen: set[str] = set()
    twice = next(i for i in order["items"] if i["item_id"] in seen or seen.add(i["item_id"]))
    variants = shipped.products[twice["product_id"]]["variants"]
    new_id = next(v for v, d in variants.items() if d["available"] and v != twice["item_id"])

    result = run(
        "modify_pending_order_items",
        order_id=order["order_id"],
        item_ids=[twice["item_id"]] * 2,
        new_item_ids=[new_id] * 2,
        payment_method_id=order["payment_history"][0]["payment_method_id"],
    )

    ids = [i["item_id"] for i in result["items"]]
    assert ids.count(twice["item_id"]) == 0
    assert ids.count(new_id) == 2
    diff = 2 * (variants[new_id]["price"] - twice["price"])
    assert result["payment_history"][-1]["amount"] == pytest.approx(abs(diff))
