"""One customer request per gold write action, worded from the action and the store records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supportgraph.evals.conversations.items import changes, item_record, name_item, name_items
from supportgraph.evals.conversations.phrasing import Phrasebook
from supportgraph.evals.conversations.tasks import Records


class Unexpressible(ValueError):
    """The action cannot be asked for in words a customer would use."""


@dataclass(frozen=True)
class Request:
    """A customer message and the write it asks for (the gold action, minus no-op swaps)."""

    text: str
    action: dict[str, Any]


def express(
    action: dict[str, Any], user: dict[str, Any], records: Records, book: Phrasebook
) -> Request:
    """Word one gold action as the customer's request.

    Args:
        action: `{"name", "kwargs"}` of a write tool.
        user: The customer's record.
        records: The shipped store records.
        book: The conversation's phrasebook.

    Raises:
        Unexpressible: no customer wording asks for exactly this action.
    """
    name, kwargs = action["name"], action["kwargs"]
    if name == "modify_user_address":
        address = book.address(kwargs)
        text = book.pick(
            f"Please update my default address to {address}.",
            f"I moved: my new address is {address}. Can you update my profile?",
        )
        return Request(book.styled(text), action)
    order = records.orders.get(kwargs.get("order_id", ""))
    if order is None or order["user_id"] != user["user_id"]:
        raise Unexpressible(f"{name} acts on an order the customer does not own")
    oid = order["order_id"]
    method = kwargs.get("payment_method_id")
    if method is not None and method not in user["payment_methods"]:
        raise Unexpressible(f"{name} uses a payment method the customer does not own")
    original = order["payment_history"][0]["payment_method_id"]
    pay = book.method(method, user, original=original) if method else ""
    if name == "cancel_pending_order":
        reason = book.reason(kwargs["reason"])
        text = book.pick(
            f"Please cancel order {oid}, {reason}.",
            f"I want to cancel {oid} because {reason}.",
            f"Can you cancel my order {oid}? {reason[0].upper()}{reason[1:]}.",
        )
    elif name == "modify_pending_order_address":
        text = _address_request(oid, kwargs, user, records, book)
    elif name == "modify_pending_order_payment":
        text = book.pick(
            f"I'd like to pay for order {oid} with {pay} instead.",
            f"Can you switch the payment on {oid} to {pay}?",
            f"Please change the payment method of order {oid} to {pay}.",
        )
    elif name == "return_delivered_order_items":
        text = _return_request(oid, order, kwargs["item_ids"], pay, records, book)
    elif name in ("modify_pending_order_items", "exchange_delivered_order_items"):
        pairs, action = changes(action, order, records, book)
        if not pairs:
            raise Unexpressible("a pending order's items swapped for themselves: nothing to ask")
        wanted = name_items([f"{old} {book.pick('to', 'for')} {new}" for old, new in pairs])
        pay_clause = book.pick(
            f"Use {pay} for the price difference.",
            f"Any price difference can go to {pay}.",
            f"Please charge or refund the difference via {pay}.",
        )
        if name == "exchange_delivered_order_items":
            text = book.pick(
                f"I'd like to exchange {wanted} from order {oid}.",
                f"For order {oid}, can I exchange {wanted}?",
                f"I received order {oid} and want to exchange {wanted}.",
            )
        else:
            text = book.pick(
                f"For my pending order {oid}, please change {wanted}.",
                f"Can you modify order {oid}? I'd like to change {wanted}.",
                f"Before {oid} ships, I want to change {wanted}.",
            )
        text = f"{text} {pay_clause}"
    else:
        raise Unexpressible(f"{name} is not a write a customer asks for")
    return Request(book.styled(text), action)


def _address_request(
    oid: str, kwargs: dict[str, Any], user: dict[str, Any], records: Records, book: Phrasebook
) -> str:
    keys = ("address1", "address2", "city", "state", "country", "zip")
    same = [
        o
        for o in user["orders"]
        if o != oid
        and {k: records.orders[o]["address"].get(k) for k in keys}
        == {k: kwargs.get(k) for k in keys}
    ]
    if same and book.rng.random() < 0.3:
        return f"Please ship order {oid} to the same address as my order {same[0]}."
    address = book.address(kwargs)
    return book.pick(
        f"Please change the shipping address of {oid} to {address}.",
        f"Can you ship order {oid} to {address} instead?",
        f"I've moved. Could you send {oid} to {address}?",
    )


def _return_request(
    oid: str,
    order: dict[str, Any],
    item_ids: list[str],
    pay: str,
    records: Records,
    book: Phrasebook,
) -> str:
    everything = sorted(item_ids) == sorted(i["item_id"] for i in order["items"])
    if everything and book.rng.random() < 0.5:
        return book.pick(
            f"I want to return everything in order {oid}, refund to {pay}.",
            f"Please return all the items of {oid}. The refund should go to {pay}.",
        )
    names = name_items(
        [name_item(item_record(order, i, records), order, records, book) for i in item_ids]
    )
    return book.pick(
        f"I'd like to return {names} from order {oid}. Please refund to {pay}.",
        f"Can I return {names} from {oid}? The refund should go to {pay}.",
        f"I want to send back {names} from order {oid}, refund to {pay}.",
    )
