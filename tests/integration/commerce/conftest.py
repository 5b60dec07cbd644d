"""Commerce integration fixtures: the shipped data and fresh seeded SQLite stores on demand."""

from __future__ import annotations

import itertools
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from supportgraph.commerce.store import Store
from supportgraph.settings import SHIPPED_DATA_DIR
from supportgraph.tests.fakes import TEST_KEYRING

RETAIL_DIR = SHIPPED_DATA_DIR / "retail"


@pytest.fixture(scope="session")
def shipped_data() -> dict[str, Any]:
    """The shipped `{"users", "orders", "products"}` JSON; never mutate it."""
    return {
        name: json.loads((RETAIL_DIR / f"{name}.json").read_text())
        for name in ("users", "orders", "products")
    }


@pytest.fixture
def new_store(commerce_seed_file: Path, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """A factory of fresh seeded stores, each a copy of the seed file, closed after the test."""
    opened: list[Store] = []
    counter = itertools.count()

    def make() -> Store:
        path = tmp_path / f"store-{next(counter)}.db"
        shutil.copy(commerce_seed_file, path)
        opened.append(Store(f"sqlite:///{path}", keyring=TEST_KEYRING))
        return opened[-1]

    yield make
    for store in opened:
        store.dispose()


@pytest.fixture(scope="session")
def memory_store() -> Iterator[Store]:
    """One in-memory store for the session, restored from the seed file by `store`."""
    shared = Store("sqlite://", keyring=TEST_KEYRING)
    yield shared
    shared.dispose()


@pytest.fixture
def store(memory_store: Store, commerce_seed_file: Path) -> Store:
    """A fresh seeded store: the in-memory store overwritten page by page from the seed file.

    SQLite's backup API makes this a millisecond reset with no disk writes, which is what lets
    every train and dev task replay on its own fresh store.
    """
    source = sqlite3.connect(commerce_seed_file)
    with memory_store.engine.connect() as conn:
        source.backup(conn.connection.driver_connection)
    source.close()
    return memory_store
