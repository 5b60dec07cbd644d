"""Shared fixtures: a seeded store template, copied per test, and graph builders."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from supportgraph.commerce.local import InProcessCommerce
from supportgraph.commerce.store import Store
from supportgraph.tests.fakes import TEST_KEYRING


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit tests never reach beyond this machine: any non-loopback connection fails."""
    real = socket.create_connection

    def guarded(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        host = str(address[0])
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise AssertionError(f"test tried to reach the network: {address}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)
    # Any real model client would be pointed at a closed local port and fail at once.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "test-key-never-valid")
    monkeypatch.delenv("LANGSMITH_API_KEY", raising=False)
    monkeypatch.setenv("LANGSMITH_TRACING", "false")


@pytest.fixture(scope="session")
def commerce_seed_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store seeded once per session from the shipped data; stores are copies of it."""
    path = tmp_path_factory.mktemp("commerce-seed") / "store.db"
    seeded = Store(f"sqlite:///{path}", keyring=None)  # the shipped public data, a template
    seeded.seed_if_empty()
    seeded.dispose()
    return path


@pytest.fixture
def store(commerce_seed_file: Path, tmp_path: Path) -> Iterator[Store]:
    """A fresh copy of the seeded store for one test."""
    path = tmp_path / "store.db"
    shutil.copy(commerce_seed_file, path)
    fresh = Store(f"sqlite:///{path}", keyring=TEST_KEYRING)
    yield fresh
    fresh.dispose()


@pytest.fixture
def commerce(store: Store) -> InProcessCommerce:
    """The in-process commerce adapter over a fresh store."""
    return InProcessCommerce(store)


REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["sqlite", "postgres+redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Settings of each deployment: the embedded default, and Postgres with Redis.

    On Postgres each test gets its own throw-away schema, so no test sees another's rows.
    """
    if request.param == "sqlite":
        yield {}
        return
    from supportgraph.tests.postgres import postgres_schema, redis_or_skip

    redis_url = redis_or_skip()
    with postgres_schema("sg_test") as url:
        yield {"database_url": url, "redis_url": redis_url}
