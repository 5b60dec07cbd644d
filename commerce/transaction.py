"""One read or read-modify-write unit of work over the store, in τ-bench record shape."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from supportgraph.commerce import records
from supportgraph.commerce.models import ORDERS, PAYMENTS, PRODUCTS, USERS
from supportgraph.encryption.columns import BlindIndex


class Transaction:
    """Records loaded at most once, mutated in place by tools, written back by `flush`.

    Tools see plain dicts shaped like τ-bench's `data["orders"][id]` and so on, so their logic
    reads like the reference. In a write transaction every order and user is loaded with
    `SELECT … FOR UPDATE` (a no-op on SQLite, where the store takes a write lock instead).
    """

    def __init__(self, conn: Connection, *, write: bool, index: BlindIndex) -> None:
        self._conn = conn
        self._write = write
        self._index = index
        self._orders: dict[str, dict[str, Any] | None] = {}
        self._users: dict[str, dict[str, Any] | None] = {}
        self._products: dict[str, dict[str, Any] | None] = {}
        self._original: dict[tuple[str, str], str] = {}

    def order(self, order_id: str) -> dict[str, Any] | None:
        """Return the order record or None."""
        if order_id not in self._orders:
            row = self._one(select(ORDERS).where(ORDERS.c.order_id == order_id))
            self._orders[order_id] = self._remember("order", order_id, row, records.order_record)
        return self._orders[order_id]

    def user(self, user_id: str) -> dict[str, Any] | None:
        """Return the user record, with its payment methods, or None."""
        if user_id not in self._users:
            row = self._one(select(USERS).where(USERS.c.user_id == user_id))
            record = None
            if row is not None:
                query = select(PAYMENTS).where(PAYMENTS.c.user_id == user_id)
                payments = list(self._conn.execute(self._locked(query)))
                record = records.user_record(row, payments)
                self._original[("user", user_id)] = records.canonical(record)
            self._users[user_id] = record
        return self._users[user_id]

    def product(self, product_id: str) -> dict[str, Any] | None:
        """Return the product record or None."""
        if product_id not in self._products:
            row = self._conn.execute(
                select(PRODUCTS).where(PRODUCTS.c.product_id == product_id)
            ).one_or_none()
            self._products[product_id] = None if row is None else records.product_record(row)
        return self._products[product_id]

    def payment_method(self, payment_method_id: str) -> dict[str, Any] | None:
        """Return a payment method plus its owner's `user_id`, or None; never locks."""
        query = select(PAYMENTS).where(PAYMENTS.c.id == payment_method_id)
        row = self._conn.execute(query).one_or_none()
        return None if row is None else {**records.payment_record(row), "user_id": row.user_id}

    def products(self) -> list[dict[str, Any]]:
        """Return every product record in shipped order."""
        rows = self._conn.execute(select(PRODUCTS).order_by(PRODUCTS.c.position))
        return [records.product_record(row) for row in rows]

    def user_ids_by_email(self, email_key: str) -> list[str]:
        """Return the ids of users whose lower-cased email is `email_key`, in shipped order."""
        keys = self._index.candidates(email_key)
        query = select(USERS.c.user_id).where(USERS.c.email_key.in_(keys))
        return list(self._conn.scalars(query.order_by(USERS.c.position)))

    def user_ids_by_name(self, first_name: str, last_name: str) -> list[str]:
        """Return the ids of users with this name, case-insensitive, in shipped order."""
        keys = self._index.candidates(records.name_key(first_name, last_name))
        query = select(USERS.c.user_id).where(USERS.c.name_key.in_(keys))
        return list(self._conn.scalars(query.order_by(USERS.c.position)))

    def flush(self) -> None:
        """Write back every loaded order and user whose record changed."""
        if not self._write:
            return
        for order_id, order in self._orders.items():
            if order is not None and self._changed("order", order_id, order):
                values = records.order_values(order)
                self._conn.execute(
                    update(ORDERS).where(ORDERS.c.order_id == order_id).values(**values)
                )
        for user_id, user in self._users.items():
            if user is not None and self._changed("user", user_id, user):
                self._write_user(user_id, user)

    def _write_user(self, user_id: str, user: dict[str, Any]) -> None:
        values = records.user_values(user_id, user, self._index)
        self._conn.execute(update(USERS).where(USERS.c.user_id == user_id).values(**values))
        # Payment methods are few per user: rewriting them all keeps ids, order and balances
        # exactly as the record has them.
        self._conn.execute(delete(PAYMENTS).where(PAYMENTS.c.user_id == user_id))
        rows = [
            records.payment_values(user_id, position, method)
            for position, method in enumerate(user["payment_methods"].values())
        ]
        if rows:
            self._conn.execute(insert(PAYMENTS), rows)

    def _one(self, query: Any) -> Any:
        return self._conn.execute(self._locked(query)).one_or_none()

    def _locked(self, query: Any) -> Any:
        return query.with_for_update() if self._write else query

    def _remember(self, kind: str, key: str, row: Any, build: Any) -> dict[str, Any] | None:
        if row is None:
            return None
        record = build(row)
        self._original[(kind, key)] = records.canonical(record)
        return record

    def _changed(self, kind: str, key: str, record: dict[str, Any]) -> bool:
        return self._original.get((kind, key)) != records.canonical(record)
