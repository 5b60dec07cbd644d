"""The store on PostgreSQL, in a throw-away schema: seeding, replays and row locks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from supportgraph.commerce.port import ToolError
from supportgraph.commerce.retail import run_tool
from supportgraph.commerce.store import Store
from supportgraph.settings import SHIPPED_DATA_DIR
from supportgraph.tests.fakes import TEST_KEYRING
from supportgraph.tests.postgres import postgres_schema

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
TASKS = json.loads((SHIPPED_DATA_DIR / "retail" / "tasks_dev.json").read_text()) + [
    task
    for index, task in enumerate(
        json.loads((SHIPPED_DATA_DIR / "retail" / "tasks_train.json").read_text())
    )
    if index in (24, 351)
]


@pytest.fixture(scope="module")
def pg_store() -> Iterator[Store]:
    """A store in a uniquely named schema, dropped afterwards; skips without PostgreSQL."""
    with postgres_schema("sg_commerce_test") as url:
        store = Store(url, keyring=TEST_KEYRING)
        try:
            yield store
        finally:
            store.dispose()


def test_that_postgres_seeds_to_the_same_state_as_sqlite(pg_store: Store, store: Store) -> None:
    assert pg_store.dialect == "postgresql"
    assert pg_store.seed_if_empty() is True
    assert pg_store.seed_if_empty() is False

    assert pg_store.state_hash() == store.state_hash()
    assert len(pg_store.snapshot()["orders"]) == 1000


def replay(store: Store, task: dict[str, Any]) -> list[Any]:
    results = []
    for action in task["actions"]:
        try:
            results.append(run_tool(store, action["name"], action["kwargs"]))
        except ToolError as error:
            results.append(str(error))
    return results


# Dev 0 and 12 have several actions; train 24 and 351 meet gift-card refusals.
@pytest.mark.parametrize("index", [0, 12, 20, 21])
def test_that_replays_on_postgres_match_sqlite(pg_store: Store, store: Store, index: int) -> None:
    pg_store.reset()

    on_postgres = replay(pg_store, TASKS[index])
    on_sqlite = replay(store, TASKS[index])

    assert on_postgres == on_sqlite
    assert pg_store.state_hash() == store.state_hash()


def test_that_row_locks_keep_concurrent_writes_from_losing_updates(
    pg_store: Store, shipped_data: dict[str, Any]
) -> None:
    pg_store.reset()
    by_card: dict[str, list[str]] = {}
    for order_id, order in shipped_data["orders"].items():
        method = order["payment_history"][0]["payment_method_id"]
        if order["status"] == "pending" and method.startswith("gift_card"):
            by_card.setdefault(method, []).append(order_id)
    card, order_ids = next((c, ids) for c, ids in by_card.items() if len(ids) >= 2)
    user_id = shipped_data["orders"][order_ids[0]]["user_id"]
    start = threading.Barrier(6)

    def cancel(order_id: str) -> str:
        start.wait()
        try:
            arguments = {"order_id": order_id, "reason": "no longer needed"}
            return run_tool(pg_store, "cancel_pending_order", arguments)["status"]
        except ToolError as error:
            return str(error)

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(cancel, [order_ids[0]] * 3 + [order_ids[1]] * 3))

    assert outcomes.count("cancelled") == 2
    balance = shipped_data["users"][user_id]["payment_methods"][card]["balance"]
    for order_id in order_ids[:2]:
        balance = round(
            balance + shipped_data["orders"][order_id]["payment_history"][0]["amount"], 2
        )
    user = run_tool(pg_store, "get_user_details", {"user_id": user_id})
    assert user["payment_methods"][card]["balance"] == balance
