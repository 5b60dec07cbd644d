"""The embedded commerce adapter: the retail tools run in-process against a `Store`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from supportgraph.commerce.retail import run_tool
from supportgraph.commerce.store import Store
from supportgraph.commerce.transaction import Transaction


class InProcessCommerce:
    """`CommercePort` over a local store; blocking database work runs in worker threads.

    Args:
        store: an open store, already created and seeded.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    async def call(self, tool: str, args: dict[str, Any]) -> Any:
        """Run one retail tool by its τ-bench name.

        Raises:
            UnknownToolError: (a `KeyError`) no such tool.
            ToolArgumentError: (a `TypeError`) the arguments do not fit the tool.
            ToolError: the tool refused the request.
        """
        return await asyncio.to_thread(run_tool, self.store, tool, args)

    async def get_order(self, order_id: str) -> dict[str, Any] | None:
        """Return the order record or None."""
        return await self._read(lambda data: data.order(order_id))

    async def get_user(self, user_id: str) -> dict[str, Any] | None:
        """Return the user record or None."""
        return await self._read(lambda data: data.user(user_id))

    async def get_product(self, product_id: str) -> dict[str, Any] | None:
        """Return the product record or None."""
        return await self._read(lambda data: data.product(product_id))

    async def get_payment(self, payment_method_id: str) -> dict[str, Any] | None:
        """Return the payment method with its owner's `user_id`, or None."""
        return await self._read(lambda data: data.payment_method(payment_method_id))

    async def aclose(self) -> None:
        """Close the store's pooled connections."""
        await asyncio.to_thread(self.store.dispose)

    async def _read(self, read: Callable[[Transaction], Any]) -> Any:
        def run() -> Any:
            with self.store.transaction() as data:
                return read(data)

        return await asyncio.to_thread(run)
