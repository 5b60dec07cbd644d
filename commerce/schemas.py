"""Pydantic models that document the commerce REST API's τ-bench-shaped payloads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    # Records pass through unvalidated; these models only describe them in the OpenAPI schema.
    model_config = ConfigDict(extra="allow")


class Address(_Record):
    """A postal address."""

    address1: str
    address2: str
    city: str
    country: str
    state: str
    zip: str


class OrderItem(_Record):
    """One line of an order: a product variant at the price paid."""

    name: str
    product_id: str
    item_id: str
    price: float
    options: dict[str, str]


class Fulfillment(_Record):
    """A shipment: tracking ids and the item ids it carries."""

    tracking_id: list[str]
    item_ids: list[str]


class PaymentTransaction(_Record):
    """A payment or refund of an order."""

    transaction_type: str = Field(examples=["payment"])
    amount: float
    payment_method_id: str


class Order(_Record):
    """An order; return and exchange fields appear once requested."""

    order_id: str = Field(examples=["#W2611340"])
    user_id: str
    address: Address
    items: list[OrderItem]
    fulfillments: list[Fulfillment]
    status: str = Field(examples=["pending", "delivered", "cancelled", "return requested"])
    payment_history: list[PaymentTransaction]
    cancel_reason: str | None = None
    return_items: list[str] | None = None
    return_payment_method_id: str | None = None
    exchange_items: list[str] | None = None
    exchange_new_items: list[str] | None = None
    exchange_payment_method_id: str | None = None
    exchange_price_difference: float | None = None


class PaymentMethod(_Record):
    """A credit card (brand, last_four), gift card (balance) or PayPal account."""

    source: str = Field(examples=["gift_card"])
    id: str
    brand: str | None = None
    last_four: str | None = None
    balance: float | None = None


class OwnedPaymentMethod(PaymentMethod):
    """A payment method with the id of the user who owns it."""

    user_id: str


class Name(_Record):
    """A customer's name."""

    first_name: str
    last_name: str


class User(_Record):
    """A customer profile with payment methods keyed by id and a list of order ids."""

    name: Name
    address: Address
    email: str
    payment_methods: dict[str, PaymentMethod]
    orders: list[str]


class Variant(_Record):
    """One purchasable item of a product."""

    item_id: str
    options: dict[str, str]
    available: bool
    price: float


class Product(_Record):
    """A product type with its variants keyed by item id."""

    name: str
    product_id: str
    variants: dict[str, Variant]


class ToolInfo(BaseModel):
    """A retail tool and its OpenAI function schema."""

    name: str = Field(examples=["cancel_pending_order"])
    effect: str = Field(examples=["write"], description="read, write, terminal or none")
    schema_: dict[str, Any] = Field(alias="schema")


class ToolResult(BaseModel):
    """What a tool returned: a record, a user id, a product map or a string."""

    result: Any = Field(examples=["noah_brown_6181"])


class ErrorDetail(BaseModel):
    """An error message; tool refusals keep τ-bench's "Error: ..." text."""

    detail: str = Field(examples=["Error: non-pending order cannot be cancelled"])
