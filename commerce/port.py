"""The commerce port: how the agent reaches orders, users, products and payments."""

from __future__ import annotations

from typing import Any, Protocol

READ_TOOLS = frozenset(
    {
        "find_user_id_by_email",
        "find_user_id_by_name_zip",
        "get_user_details",
        "get_order_details",
        "get_product_details",
        "list_all_product_types",
        "calculate",
        "think",
    }
)
"""Tools that change nothing in the store."""

WRITE_TOOLS = frozenset(
    {
        "cancel_pending_order",
        "modify_pending_order_address",
        "modify_pending_order_items",
        "modify_pending_order_payment",
        "modify_user_address",
        "return_delivered_order_items",
        "exchange_delivered_order_items",
    }
)
"""Tools that change the store: they run only after verification and an explicit yes."""

IDENTITY_TOOLS = frozenset({"find_user_id_by_email", "find_user_id_by_name_zip"})
"""The only tools whose success verifies a customer."""

TRANSFER_TOOL = "transfer_to_human_agents"
"""The terminal tool: hands the conversation to a human."""

ALL_TOOLS = READ_TOOLS | WRITE_TOOLS | {TRANSFER_TOOL}


class ToolError(Exception):
    """A tool refused its input, e.g. an unknown order or a non-pending status.

    `str(error)` is the τ-bench message, always starting with "Error: ".
    """

    def __init__(self, message: str) -> None:
        super().__init__(message if message.startswith("Error: ") else f"Error: {message}")


class CommercePort(Protocol):
    """Orders, users, products and payments, in τ-bench shape."""

    async def call(self, tool: str, args: dict[str, Any]) -> Any:
        """Run one retail tool by its τ-bench name.

        Returns the tool's value: a record dict, a user id string, a product map, and so on.
        Raises `ToolError` for invalid requests and `KeyError` for unknown tools.
        """
        ...

    async def get_order(self, order_id: str) -> dict[str, Any] | None:
        """Return the order record or None."""
        ...

    async def get_user(self, user_id: str) -> dict[str, Any] | None:
        """Return the user record or None."""
        ...

    async def get_product(self, product_id: str) -> dict[str, Any] | None:
        """Return the product record or None."""
        ...

    async def get_payment(self, payment_method_id: str) -> dict[str, Any] | None:
        """Return the payment method (with its `user_id`) or None."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
