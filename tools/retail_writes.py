"""The retail write tools that change orders, items and addresses."""

from __future__ import annotations

from typing import Any

from langchain_core.tools import tool

from supportgraph.tools.retail_base import Port, call


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def modify_pending_order_address(
    order_id: str,
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,
    commerce: Port,
) -> Any:
    """Modify the shipping address of a pending order, after an explicit yes.

    Args:
        order_id: The order id, such as '#W0000000'. Mind the '#' at the beginning.
        address1: The first line of the address, such as '123 Main St'.
        address2: The second line of the address, such as 'Apt 1' or ''.
        city: The city, such as 'San Francisco'.
        state: The state, such as 'CA'.
        country: The country, such as 'USA'.
        zip: The zip code, such as '12345'.
    """
    return await call(
        commerce,
        "modify_pending_order_address",
        order_id=order_id,
        address1=address1,
        address2=address2,
        city=city,
        state=state,
        country=country,
        zip=zip,
    )


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def modify_pending_order_payment(
    order_id: str, payment_method_id: str, commerce: Port
) -> Any:
    """Modify the payment method of a pending order, after an explicit yes.

    Args:
        order_id: The order id, such as '#W0000000'. Mind the '#' at the beginning.
        payment_method_id: The new payment method id, such as 'gift_card_0000000' or
            'credit_card_0000000', from the user's details.
    """
    return await call(
        commerce,
        "modify_pending_order_payment",
        order_id=order_id,
        payment_method_id=payment_method_id,
    )


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def modify_pending_order_items(
    order_id: str,
    item_ids: list[str],
    new_item_ids: list[str],
    payment_method_id: str,
    commerce: Port,
) -> Any:
    """Modify items in a pending order to new items of the same product type.

    It can be called only once per order, after an explicit yes.

    Args:
        order_id: The order id, such as '#W0000000'. Mind the '#' at the beginning.
        item_ids: The item ids to be modified, each such as '1008292230'.
        new_item_ids: The new item ids, position by position, each an available variant of
            the same product.
        payment_method_id: The payment method id to pay or receive the price difference.
    """
    return await call(
        commerce,
        "modify_pending_order_items",
        order_id=order_id,
        item_ids=item_ids,
        new_item_ids=new_item_ids,
        payment_method_id=payment_method_id,
    )


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def return_delivered_order_items(
    order_id: str, item_ids: list[str], payment_method_id: str, commerce: Port
) -> Any:
    """Return some items of a delivered order, after an explicit yes.

    The order becomes 'return requested' and the customer gets an email on how to return.

    Args:
        order_id: The order id, such as '#W0000000'. Mind the '#' at the beginning.
        item_ids: The item ids to be returned, each such as '1008292230'.
        payment_method_id: Where the refund goes: the original payment method or a gift card.
    """
    return await call(
        commerce,
        "return_delivered_order_items",
        order_id=order_id,
        item_ids=item_ids,
        payment_method_id=payment_method_id,
    )


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def exchange_delivered_order_items(
    order_id: str,
    item_ids: list[str],
    new_item_ids: list[str],
    payment_method_id: str,
    commerce: Port,
) -> Any:
    """Exchange items in a delivered order to new items of the same product type.

    Return or exchange can be done only once per delivered order, after an explicit yes.

    Args:
        order_id: The order id, such as '#W0000000'. Mind the '#' at the beginning.
        item_ids: The item ids to be exchanged, each such as '1008292230'.
        new_item_ids: The new item ids, position by position, each an available variant of
            the same product.
        payment_method_id: The payment method id to pay or receive the price difference.
    """
    return await call(
        commerce,
        "exchange_delivered_order_items",
        order_id=order_id,
        item_ids=item_ids,
        new_item_ids=new_item_ids,
        payment_method_id=payment_method_id,
    )


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def modify_user_address(
    user_id: str,
    address1: str,
    address2: str,
    city: str,
    state: str,
    country: str,
    zip: str,
    commerce: Port,
) -> Any:
    """Modify the default address of a user, after an explicit yes.

    Args:
        user_id: The user id, such as 'sara_doe_496'.
        address1: The first line of the address, such as '123 Main St'.
        address2: The second line of the address, such as 'Apt 1' or ''.
        city: The city, such as 'San Francisco'.
        state: The state, such as 'CA'.
        country: The country, such as 'USA'.
        zip: The zip code, such as '12345'.
    """
    return await call(
        commerce,
        "modify_user_address",
        user_id=user_id,
        address1=address1,
        address2=address2,
        city=city,
        state=state,
        country=country,
        zip=zip,
    )
