"""τ-bench retail tools that change nothing: lookups, product list, calculator, think, transfer."""

from __future__ import annotations

from typing import Any

from supportgraph.commerce.calculator import CalculationError
from supportgraph.commerce.calculator import calculate as _calculate
from supportgraph.commerce.port import ToolError
from supportgraph.commerce.transaction import Transaction


def find_user_id_by_email(data: Transaction, email: str) -> str:
    """Return the id of the user with this email, compared case-insensitively."""
    user_ids = data.user_ids_by_email(email.lower())
    if not user_ids:
        raise ToolError("Error: user not found")
    return user_ids[0]


def find_user_id_by_name_zip(data: Transaction, first_name: str, last_name: str, zip: str) -> str:  # noqa: A002
    """Return the id of the first user with this name (case-insensitive) and exact zip."""
    for user_id in data.user_ids_by_name(first_name, last_name):
        user = data.user(user_id)
        if user is not None and user["address"]["zip"] == zip:
            return user_id
    raise ToolError("Error: user not found")


def get_user_details(data: Transaction, user_id: str) -> dict[str, Any]:
    """Return the user record: name, address, email, payment methods and order ids."""
    user = data.user(user_id)
    if user is None:
        raise ToolError("Error: user not found")
    return user


def get_order_details(data: Transaction, order_id: str) -> dict[str, Any]:
    """Return the order record."""
    order = data.order(order_id)
    if order is None:
        raise ToolError("Error: order not found")
    return order


def get_product_details(data: Transaction, product_id: str) -> dict[str, Any]:
    """Return the product record with all its variants."""
    product = data.product(product_id)
    if product is None:
        raise ToolError("Error: product not found")
    return product


def list_all_product_types(data: Transaction) -> dict[str, str]:
    """Return `{product name: product_id}` sorted by name."""
    names = {product["name"]: product["product_id"] for product in data.products()}
    return dict(sorted(names.items()))


def calculate(expression: str) -> str:
    """Evaluate an arithmetic expression, rounded to 2 decimals, as a string."""
    try:
        return _calculate(expression)
    except CalculationError as error:
        raise ToolError(str(error)) from error


def think(thought: str) -> str:
    """Do nothing: the thought is only logged by the caller."""
    return ""


def transfer_to_human_agents(summary: str) -> str:
    """Acknowledge a hand-off to a human; the caller ends the conversation."""
    return "Transfer successful"
