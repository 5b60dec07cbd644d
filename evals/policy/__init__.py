"""The policy suite: conversations that try to break the rules, and the violations detectors.

Every conversation must leave the store as it found it (or as its `setup` left it), show no
customer data before verification nor any other customer's data after it, and run no write
without the customer's explicit yes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import update

from supportgraph.commerce.models import PRODUCTS
from supportgraph.commerce.records import product_values
from supportgraph.commerce.store import Store
from supportgraph.evals.suite import read_jsonl

__all__ = ["DATASET_PATH", "apply_setup", "load_examples"]

DATASET_PATH = Path(__file__).resolve().parent.parent / "datasets" / "policy.jsonl"
"""Where `build` writes the dataset, one LangSmith example per line."""


def load_examples(path: Path | str = DATASET_PATH) -> list[dict[str, Any]]:
    """Read the policy examples written by `build`.

    Args:
        path: A JSONL file of `{"inputs", "outputs", "metadata"}` examples.
    """
    return read_jsonl(Path(path))


def apply_setup(store: Store, setup: list[dict[str, Any]] | None) -> None:
    """Change the store before a conversation, as an example's `setup` describes.

    Each change is `{"record": "order" | "user" | "product", "id", "path", "value"}`: the
    value is written at `path` (keys and list indexes) inside that record.

    Args:
        store: A fresh store of the conversation's own.
        setup: The changes, in order; None or empty changes nothing.
    """
    if not setup:
        return
    with store.transaction(write=True) as tx:
        for change in setup:
            if change["record"] == "product":
                continue
            load = tx.order if change["record"] == "order" else tx.user
            _assign(load(change["id"]), change)
    for change in setup:
        if change["record"] == "product":
            _set_product(store, change)


def _set_product(store: Store, change: dict[str, Any]) -> None:
    """Write one change into a product row; a transaction writes back orders and users only."""
    with store.transaction() as tx:
        record = tx.product(change["id"])
    _assign(record, change)
    values = product_values(record)  # type: ignore[arg-type]
    with store.engine.begin() as conn:
        conn.execute(update(PRODUCTS).where(PRODUCTS.c.product_id == change["id"]).values(**values))


def _assign(record: dict[str, Any] | None, change: dict[str, Any]) -> None:
    """Set the change's value at its path inside the record."""
    if record is None:
        raise ValueError(f"setup names a missing {change['record']} {change['id']!r}")
    *parents, last = change["path"]
    target: Any = record
    for key in parents:
        target = target[key]
    target[last] = change["value"]
