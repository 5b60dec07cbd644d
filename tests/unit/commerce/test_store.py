"""The store: seeding, τ-bench-exact snapshots and hash, transactions and concurrency."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from hashlib import sha256
from pathlib import Path
from typing import Any

import pytest

from supportgraph.commerce.port import ToolError
from supportgraph.commerce.retail import run_tool
from supportgraph.commerce.store import Store
from supportgraph.tests.fakes import TEST_KEYRING


def upstream_hash(data: Any) -> str:
    """τ-bench's `Env.get_data_hash`, written out independently of the store's copy."""

    def hashable(item: Any) -> Any:
        if isinstance(item, dict):
            return tuple((k, hashable(v)) for k, v in sorted(item.items()))
        if isinstance(item, list):
            return tuple(hashable(v) for v in item)
        return item

    return sha256(str(hashable(data)).encode("utf-8")).hexdigest()


def test_that_seeding_is_fast_and_happens_once(tmp_path: Path, shipped) -> None:
    store = Store(f"sqlite:///{tmp_path / 'nested' / 'store.db'}", keyring=TEST_KEYRING)
    started = time.perf_counter()

    assert store.seed_if_empty() is True
    elapsed = time.perf_counter() - started
    assert store.seed_if_empty() is False

    assert elapsed < 5
    snapshot = store.snapshot()
    assert len(snapshot["users"]) == 500
    assert len(snapshot["orders"]) == 1000
    assert len(snapshot["products"]) == 50
    store.dispose()


def test_that_the_snapshot_and_hash_equal_the_shipped_json(store: Store, shipped) -> None:
    raw = {"users": shipped.users, "orders": shipped.orders, "products": shipped.products}

    snapshot = store.snapshot()

    assert json.dumps(snapshot, sort_keys=True) == json.dumps(raw, sort_keys=True)
    assert list(snapshot["users"]) == list(shipped.users)
    assert store.state_hash() == upstream_hash(raw)


def test_that_a_refunded_integer_balance_becomes_a_float_as_upstream(store: Store, shipped) -> None:
    order = shipped.order("pending", paid_with="gift_card")
    card_id = order["payment_history"][0]["payment_method_id"]
    assert isinstance(shipped.users[order["user_id"]]["payment_methods"][card_id]["balance"], int)

    run_tool(
        store, "cancel_pending_order", {"order_id": order["order_id"], "reason": "no longer needed"}
    )

    balance = store.snapshot()["users"][order["user_id"]]["payment_methods"][card_id]["balance"]
    assert isinstance(balance, float)


def test_that_a_failed_transaction_writes_nothing(store: Store, shipped) -> None:
    order_id = next(iter(shipped.orders))
    before = store.state_hash()

    with pytest.raises(RuntimeError), store.transaction(write=True) as data:
        data.order(order_id)["status"] = "lost"
        raise RuntimeError("abort")

    assert store.state_hash() == before


def test_that_an_unknown_record_field_is_refused_rather_than_dropped(store: Store, shipped) -> None:
    order_id = next(iter(shipped.orders))

    with pytest.raises(ValueError, match="cannot keep"), store.transaction(write=True) as data:
        data.order(order_id)["gift_wrap"] = True

    assert "gift_wrap" not in run_tool(store, "get_order_details", {"order_id": order_id})


def test_that_concurrent_cancels_of_one_order_succeed_exactly_once(store: Store, shipped) -> None:
    order = shipped.order("pending", paid_with="gift_card")
    card_id = order["payment_history"][0]["payment_method_id"]
    start = threading.Barrier(8)

    def cancel(_: int) -> str:
        start.wait()
        try:
            arguments = {"order_id": order["order_id"], "reason": "no longer needed"}
            return run_tool(store, "cancel_pending_order", arguments)["status"]
        except ToolError as error:
            return str(error)

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(cancel, range(8)))

    assert outcomes.count("cancelled") == 1
    assert outcomes.count("Error: non-pending order cannot be cancelled") == 7
    user = run_tool(store, "get_user_details", {"user_id": order["user_id"]})
    before = shipped.users[order["user_id"]]["payment_methods"][card_id]["balance"]
    amount = order["payment_history"][0]["amount"]
    assert user["payment_methods"][card_id]["balance"] == round(before + amount, 2)


def test_that_an_in_memory_store_serves_worker_threads(shipped) -> None:
    store = Store("sqlite://", keyring=TEST_KEYRING)
    store.seed_if_empty()
    order_ids = list(shipped.orders)[:20]

    with ThreadPoolExecutor(4) as pool:
        statuses = list(
            pool.map(lambda oid: run_tool(store, "get_order_details", {"order_id": oid}), order_ids)
        )

    assert [s["order_id"] for s in statuses] == order_ids


def test_that_reset_restores_the_shipped_state(store: Store, shipped) -> None:
    pristine = store.state_hash()
    order = shipped.order("pending")
    run_tool(
        store, "cancel_pending_order", {"order_id": order["order_id"], "reason": "no longer needed"}
    )
    assert store.state_hash() != pristine

    store.reset()

    assert store.state_hash() == pristine


def test_that_a_plain_postgres_url_gets_the_psycopg_driver() -> None:
    store = Store("postgresql://user@db.invalid:5432/shop", keyring=TEST_KEYRING)

    assert store.url.startswith("postgresql+psycopg://")
    assert store.dialect == "postgresql"
