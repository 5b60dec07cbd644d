"""The policy gate: a pure function deciding whether a tool call may run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from supportgraph.commerce.port import (
    ALL_TOOLS,
    IDENTITY_TOOLS,
    TRANSFER_TOOL,
    WRITE_TOOLS,
)
from supportgraph.graph.state import Customer

PUBLIC_TOOLS = frozenset(
    {"get_product_details", "list_all_product_types", "calculate", "think", TRANSFER_TOOL}
)
"""Tools that touch no customer data."""

SCOPE_ARGUMENT = {
    "get_user_details": "user_id",
    "modify_user_address": "user_id",
    "get_order_details": "order_id",
    **{name: "order_id" for name in WRITE_TOOLS if name != "modify_user_address"},
}
"""For each tool on customer data, the argument naming whose data it is."""

Verdict = Literal["allow", "confirm", "deny"]


@dataclass(frozen=True)
class Decision:
    """The gate's verdict on one tool call, with the reason shown to the responder."""

    verdict: Verdict
    reason: str = ""


NOT_VERIFIED = (
    "Denied: the customer is not verified yet. Ask for their email, or their first name, "
    "last name and zip code, and look them up first."
)
NOT_THEIRS = "Denied: {what} does not belong to the verified customer."


def decide(call: dict[str, Any], customer: Customer | None) -> Decision:
    """Decide whether `call` may run for this thread's verified customer.

    Args:
        call: A tool call: `name` and `args`.
        customer: The verified customer, or None.

    Returns:
        `allow` to run now, `confirm` to run after the customer's explicit yes,
        or `deny` with the reason.
    """
    name, args = call.get("name", ""), call.get("args") or {}
    if name not in ALL_TOOLS:
        return Decision("deny", f"Denied: there is no tool named {name!r}.")
    if name in PUBLIC_TOOLS or name in IDENTITY_TOOLS:
        return Decision("allow")
    if customer is None:
        return Decision("deny", NOT_VERIFIED)
    scope = SCOPE_ARGUMENT[name]
    if not isinstance(args.get(scope), str):
        return Decision("deny", f"Denied: {name} needs `{scope}`.")
    if problem := _ownership_problem(args, customer):
        return Decision("deny", problem)
    return Decision("confirm" if name in WRITE_TOOLS else "allow")


def _ownership_problem(args: dict[str, Any], customer: Customer) -> str:
    """Say which argument names data that is not the verified customer's, if any."""
    user_id = args.get("user_id")
    if user_id is not None and user_id != customer["user_id"]:
        return NOT_THEIRS.format(what=f"user {user_id}")
    order_id = args.get("order_id")
    if order_id is not None and order_id not in customer["order_ids"]:
        return NOT_THEIRS.format(what=f"order {order_id}")
    method = args.get("payment_method_id")
    if method is not None and method not in customer["payment_method_ids"]:
        return NOT_THEIRS.format(what=f"payment method {method}")
    return ""
