"""The retail read tools and cancellation; each docstring is what a model sees."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.tools import tool

from supportgraph.tools.retail_base import Port
from supportgraph.tools.retail_base import call as _call


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def find_user_id_by_email(email: str, commerce: Port) -> Any:
    """Find user id by email. If the user is not found, the function will return an error message.

    Args:
        email: The email of the user, such as 'something@example.com'.
    """
    return await _call(commerce, "find_user_id_by_email", email=email)


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def find_user_id_by_name_zip(
    first_name: str, last_name: str, zip: str, commerce: Port
) -> Any:
    """Find user id by first name, last name, and zip code.

    If the user is not found, the function will return an error message. By default, find user
    id by email, and only call this function if the user is not found by email or cannot
    remember email.

    Args:
        first_name: The first name of the customer, such as 'John'.
        last_name: The last name of the customer, such as 'Doe'.
        zip: The zip code of the customer, such as '12345'.
    """
    return await _call(
        commerce, "find_user_id_by_name_zip", first_name=first_name, last_name=last_name, zip=zip
    )


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def get_user_details(user_id: str, commerce: Port) -> Any:
    """Get the details of a user, including their orders.

    Args:
        user_id: The user id, such as 'sara_doe_496'.
    """
    return await _call(commerce, "get_user_details", user_id=user_id)


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def get_order_details(order_id: str, commerce: Port) -> Any:
    """Get the status and details of an order.

    Args:
        order_id: The order id, such as '#W0000000'. Mind the '#' at the beginning.
    """
    return await _call(commerce, "get_order_details", order_id=order_id)


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def get_product_details(product_id: str, commerce: Port) -> Any:
    """Get the inventory details of a product.

    Args:
        product_id: The product id, such as '6086499569'. It differs from an item id.
    """
    return await _call(commerce, "get_product_details", product_id=product_id)


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def list_all_product_types(commerce: Port) -> Any:
    """List the name and product id of all product types.

    Each product type has a variety of different items with unique item ids and options.
    There are only 50 product types in the store.
    """
    return await _call(commerce, "list_all_product_types")


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def calculate(expression: str, commerce: Port) -> Any:
    """Calculate the result of a mathematical expression.

    Args:
        expression: Such as '2 + 2': numbers, + - * /, parentheses and spaces.
    """
    return await _call(commerce, "calculate", expression=expression)


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def think(thought: str, commerce: Port) -> Any:
    """Think about something; it obtains no information and changes nothing.

    Args:
        thought: A thought to think about.
    """
    return await _call(commerce, "think", thought=thought)


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def transfer_to_human_agents(summary: str, commerce: Port) -> Any:
    """Transfer the user to a human agent, with a summary of the user's issue.

    Only transfer if the user explicitly asks for a human agent, or if the user's issue cannot
    be resolved by the agent with the available tools.

    Args:
        summary: A summary of the user's issue.
    """
    return await _call(commerce, "transfer_to_human_agents", summary=summary)


@tool(parse_docstring=True, error_on_invalid_docstring=False)
async def cancel_pending_order(
    order_id: str, reason: Literal["no longer needed", "ordered by mistake"], commerce: Port
) -> Any:
    """Cancel a pending order; processed or delivered orders cannot be cancelled.

    Explain the cancellation and get an explicit yes first. The order becomes 'cancelled' and
    is refunded: at once to a gift card, otherwise in 5-7 business days.

    Args:
        order_id: The order id, such as '#W0000000'. Mind the '#' at the beginning.
        reason: Either 'no longer needed' or 'ordered by mistake'.
    """
    return await _call(commerce, "cancel_pending_order", order_id=order_id, reason=reason)
