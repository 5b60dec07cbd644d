"""Conversions between store rows and τ-bench records, and τ-bench's state hash."""

from __future__ import annotations

import json
from hashlib import sha256
from typing import Any

from supportgraph.commerce.models import ORDER_OPTIONAL_FIELDS
from supportgraph.encryption.columns import BlindIndex

NAME_KEY_SEPARATOR = "\x1f"

_ORDER_FIELDS = ("order_id", "user_id", "address", "items", "fulfillments", "status")
_PAYMENT_FIELDS = ("source", "brand", "last_four", "balance", "id")


def name_key(first_name: str, last_name: str) -> str:
    """Return the case-folded name key used by the name + zip lookup."""
    return f"{first_name.lower()}{NAME_KEY_SEPARATOR}{last_name.lower()}"


def user_record(row: Any, payments: list[Any]) -> dict[str, Any]:
    """Build a τ-bench user record from a user row and its payment-method rows."""
    return {
        "name": {"first_name": row.first_name, "last_name": row.last_name},
        "address": row.address,
        "email": row.email,
        "payment_methods": {p.id: payment_record(p) for p in sorted(payments, key=_position)},
        "orders": row.orders,
    }


def payment_record(row: Any) -> dict[str, Any]:
    """Build a τ-bench payment method; absent fields (e.g. a card's balance) stay absent."""
    values = {field: getattr(row, field) for field in _PAYMENT_FIELDS}
    return {k: v for k, v in values.items() if v is not None or k in ("source", "id")}


def order_record(row: Any) -> dict[str, Any]:
    """Build a τ-bench order record from an order row."""
    record = {field: getattr(row, field) for field in _ORDER_FIELDS}
    record["payment_history"] = row.payment_history
    for field in ORDER_OPTIONAL_FIELDS:
        value = getattr(row, field)
        if value is not None:
            record[field] = value
    return record


def product_record(row: Any) -> dict[str, Any]:
    """Build a τ-bench product record from a product row."""
    return {"name": row.name, "product_id": row.product_id, "variants": row.variants}


def user_values(user_id: str, record: dict[str, Any], index: BlindIndex) -> dict[str, Any]:
    """Column values of a user row (without `position`) from a τ-bench user record.

    The email and name keys are the blind index's digests, so lookups match without the
    sealed columns being readable in the database.
    """
    _reject_unknown(record, {"name", "address", "email", "payment_methods", "orders"}, user_id)
    first, last = record["name"]["first_name"], record["name"]["last_name"]
    return {
        "user_id": user_id,
        "first_name": first,
        "last_name": last,
        "email": record["email"],
        "email_key": index.key(record["email"].lower()),
        "name_key": index.key(name_key(first, last)),
        "address": record["address"],
        "orders": record["orders"],
    }


def payment_values(user_id: str, position: int, record: dict[str, Any]) -> dict[str, Any]:
    """Column values of a payment-method row from a τ-bench payment method."""
    _reject_unknown(record, set(_PAYMENT_FIELDS), record.get("id", "?"))
    values = {field: record.get(field) for field in _PAYMENT_FIELDS}
    return {**values, "user_id": user_id, "position": position}


def order_values(record: dict[str, Any]) -> dict[str, Any]:
    """Column values of an order row (without `position`) from a τ-bench order record."""
    known = {*_ORDER_FIELDS, "payment_history", *ORDER_OPTIONAL_FIELDS}
    _reject_unknown(record, known, record.get("order_id", "?"))
    return {field: record.get(field) for field in known}


def product_values(record: dict[str, Any]) -> dict[str, Any]:
    """Column values of a product row (without `position`) from a τ-bench product record."""
    _reject_unknown(record, {"name", "product_id", "variants"}, record.get("product_id", "?"))
    return {
        "product_id": record["product_id"],
        "name": record["name"],
        "variants": record["variants"],
    }


def canonical(value: Any) -> str:
    """Serialise a record so that two records compare equal only if τ-bench hashes them equal."""
    # `json.dumps` keeps 100 and 100.0 apart, unlike `==` on the Python values.
    return json.dumps(value, sort_keys=True)


def data_hash(data: dict[str, Any]) -> str:
    """Return τ-bench's `Env.get_data_hash` of a `{"users", "orders", "products"}` snapshot.

    This is the same digest as upstream (sha256 of the sorted-tuple form), so a hash can be
    checked against one computed by τ-bench on the same data.
    """
    return sha256(str(_to_hashable(data)).encode("utf-8")).hexdigest()


def _to_hashable(item: Any) -> Any:
    if isinstance(item, dict):
        return tuple((key, _to_hashable(value)) for key, value in sorted(item.items()))
    if isinstance(item, list):
        return tuple(_to_hashable(element) for element in item)
    return item


def _position(row: Any) -> int:
    return row.position


def _reject_unknown(record: dict[str, Any], known: set[str], label: str) -> None:
    # The tables have a column per field, so an unknown field would be dropped silently.
    unknown = set(record) - known
    if unknown:
        raise ValueError(f"record {label} has fields the store cannot keep: {sorted(unknown)}")
