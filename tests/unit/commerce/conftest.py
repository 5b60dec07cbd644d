"""Commerce unit fixtures: fresh copies of a seeded SQLite store, and shipped-data finders."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from supportgraph.commerce.retail import run_tool
from supportgraph.commerce.store import Store
from supportgraph.settings import SHIPPED_DATA_DIR


@pytest.fixture
def run(store: Store) -> Callable[..., Any]:
    """Call a retail tool by name on the test's store: `run("get_order_details", order_id=…)`."""
    return lambda name, **arguments: run_tool(store, name, arguments)


class Shipped:
    """The shipped τ-bench JSON, with finders that pick records for a test by what they need."""

    def __init__(self) -> None:
        folder = SHIPPED_DATA_DIR / "retail"
        self.users = json.loads((folder / "users.json").read_text())
        self.orders = json.loads((folder / "orders.json").read_text())
        self.products = json.loads((folder / "products.json").read_text())

    def order(
        self, status: str, paid_with: str = "", user_has: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """First order with this status, first paid with a method id starting `paid_with`,
        whose user also owns methods of every source in `user_has`."""
        for order in self.orders.values():
            sources = {
                m["source"] for m in self.users[order["user_id"]]["payment_methods"].values()
            }
            if (
                order["status"] == status
                and len(order["payment_history"]) == 1
                and order["payment_history"][0]["payment_method_id"].startswith(paid_with)
                and set(user_has) <= sources
            ):
                return order
        raise LookupError(f"no {status} order paid with {paid_with} for a user with {user_has}")

    def method(self, user_id: str, source: str, *, not_id: str = "") -> dict[str, Any]:
        """A payment method of `source` owned by the user, other than `not_id`."""
        for method in self.users[user_id]["payment_methods"].values():
            if method["source"] == source and method["id"] != not_id:
                return method
        raise LookupError(f"{user_id} has no other {source}")

    def foreign_method(self, user_id: str) -> str:
        """A payment method id that exists but belongs to another user."""
        for other_id, user in self.users.items():
            if other_id != user_id and user["payment_methods"]:
                return next(iter(user["payment_methods"]))
        raise LookupError("only one user")

    def swap(
        self, order: dict[str, Any], *, dearer: bool | None = None, available: bool = True
    ) -> tuple[dict[str, Any], str]:
        """An order item and another variant of its product, optionally dearer or cheaper."""
        for item in order["items"]:
            for variant in self.products[item["product_id"]]["variants"].values():
                if variant["item_id"] == item["item_id"] or variant["available"] != available:
                    continue
                if dearer is None or (variant["price"] > item["price"]) == dearer:
                    return item, variant["item_id"]
        raise LookupError(f"no swap for {order['order_id']}")

    def variant(self, product_id: str, item_id: str) -> dict[str, Any]:
        """A product variant by item id."""
        return self.products[product_id]["variants"][item_id]


@pytest.fixture(scope="session")
def shipped() -> Shipped:
    """The shipped data, loaded once; never mutate it."""
    return Shipped()
