"""SQLModel tables of the retail store: users, payment methods, orders and products."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Column, Table, Text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from supportgraph.encryption.columns import SealedJSON, SealedText


class JSONNumber(TypeDecorator[Any]):
    """A number kept as its JSON text, so 9 and 9.0 read back as written.

    τ-bench's state hash tells the int balance 9 from the float 9.0 a refund of 0.0 leaves.
    A FLOAT column would lose that, and so would a JSON column on SQLite, whose NUMERIC
    affinity turns the text "9.0" into the integer 9.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        """Serialise the number."""
        return None if value is None else json.dumps(value)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        """Parse the number back as int or float, as it was written."""
        return None if value is None else json.loads(value)


def _json(*, nullable: bool = False) -> Any:
    # `none_as_null` stores Python None as SQL NULL rather than the JSON literal `null`, so an
    # absent optional field reads back as absent.
    return Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=nullable))


def _sealed(context: str, *, nullable: bool = False) -> Any:
    # Customer PII: sealed at rest with the deployment's keys (`encryption`).
    return Field(default=None, sa_column=Column(SealedText(context), nullable=nullable))


def _sealed_json(context: str) -> Any:
    return Field(default=None, sa_column=Column(SealedJSON(context), nullable=False))


def _number() -> Any:
    return Field(default=None, sa_column=Column(JSONNumber(), nullable=True))


class UserRow(SQLModel, table=True):
    """A customer; payment methods live in their own table."""

    __tablename__ = "retail_users"

    user_id: str = Field(primary_key=True)
    position: int = Field(index=True)
    """Place in the shipped file: lookups that scan users return the first match in this order."""
    first_name: str = _sealed("retail_users.first_name")
    last_name: str = _sealed("retail_users.last_name")
    email: str = _sealed("retail_users.email")
    email_key: str = Field(index=True)
    """The blind index of `email.lower()` (lower-cased in Python, as τ-bench folds case)."""
    name_key: str = Field(index=True)
    """The blind index of `first_name.lower() + "\\x1f" + last_name.lower()` (name + zip)."""
    address: dict[str, Any] = _sealed_json("retail_users.address")
    orders: list[str] = _json()


class PaymentMethodRow(SQLModel, table=True):
    """A credit card, gift card or PayPal account of one user."""

    __tablename__ = "retail_payment_methods"

    id: str = Field(primary_key=True)
    user_id: str = Field(foreign_key="retail_users.user_id", index=True)
    position: int
    """Place within the user's `payment_methods` object."""
    source: str
    brand: str | None = None
    last_four: str | None = _sealed("retail_payment_methods.last_four", nullable=True)
    balance: float | None = _number()


class OrderRow(SQLModel, table=True):
    """An order with its items, fulfilments, payments and any requested return or exchange."""

    __tablename__ = "retail_orders"

    order_id: str = Field(primary_key=True)
    position: int = Field(index=True)
    user_id: str = Field(index=True)
    status: str = Field(index=True)
    address: dict[str, Any] = _sealed_json("retail_orders.address")
    items: list[dict[str, Any]] = _json()
    fulfillments: list[dict[str, Any]] = _json()
    payment_history: list[dict[str, Any]] = _json()
    cancel_reason: str | None = None
    return_items: list[str] | None = _json(nullable=True)
    return_payment_method_id: str | None = None
    exchange_items: list[str] | None = _json(nullable=True)
    exchange_new_items: list[str] | None = _json(nullable=True)
    exchange_payment_method_id: str | None = None
    exchange_price_difference: float | None = _number()


class ProductRow(SQLModel, table=True):
    """A product type and its variants (items) keyed by item id."""

    __tablename__ = "retail_products"

    product_id: str = Field(primary_key=True)
    position: int = Field(index=True)
    name: str
    variants: dict[str, dict[str, Any]] = _json()


ORDER_OPTIONAL_FIELDS = (
    "cancel_reason",
    "return_items",
    "return_payment_method_id",
    "exchange_items",
    "exchange_new_items",
    "exchange_payment_method_id",
    "exchange_price_difference",
)
"""Order fields that appear only once a tool sets them, in the order τ-bench adds them."""

# SQLModel sets `__table__` on table classes at runtime; type checkers cannot see it.
USERS: Table = UserRow.__table__  # type: ignore[attr-defined]
PAYMENTS: Table = PaymentMethodRow.__table__  # type: ignore[attr-defined]
ORDERS: Table = OrderRow.__table__  # type: ignore[attr-defined]
PRODUCTS: Table = ProductRow.__table__  # type: ignore[attr-defined]

TABLES = (USERS, PAYMENTS, ORDERS, PRODUCTS)
"""The store's tables, parents first."""
