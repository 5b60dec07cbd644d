"""The store seals customers' PII at rest, still finds them by email and by name, hashes its
state as τ-bench does, and keeps finding them while its keys rotate."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from supportgraph.commerce.retail import run_tool
from supportgraph.commerce.store import Store
from supportgraph.encryption.keyring import KeyRing
from supportgraph.encryption.rotate import PLAIN, column_usage, rotate_blind_index, rotate_columns
from supportgraph.tests.postgres import postgres_schema

USER = "yusuf_rossi_9620"


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    with postgres_schema("sg_sealed_store") as scoped:
        yield scoped


def raw_text(url: str) -> str:
    """Every row of the store's tables, as stored, in one string."""
    tables = ("retail_users", "retail_orders", "retail_payment_methods")
    if url.startswith("sqlite"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return "\n".join(
                repr(row) for t in tables for row in connection.execute(f"SELECT * FROM {t}")
            )
        finally:
            connection.close()
    with psycopg.connect(url) as connection:
        return "\n".join(
            row[0] for t in tables for row in connection.execute(f"SELECT t::text FROM {t} t")
        )


def find(store: Store, **args: Any) -> Any:
    tool = "find_user_id_by_email" if "email" in args else "find_user_id_by_name_zip"
    return run_tool(store, tool, args)


def test_pii_is_sealed_yet_found_and_hashed_as_in_the_clear(url: str, tmp_path: Path) -> None:
    clear = Store(f"sqlite:///{tmp_path / 'clear.db'}", keyring=None)
    clear.seed_if_empty()
    user = clear.snapshot()["users"][USER]
    sealed = Store(url, keyring=KeyRing.generate("k1"))
    sealed.seed_if_empty()
    try:
        stored = raw_text(url)
        address = user["address"]
        for pii in (user["email"], user["name"]["last_name"], address["address1"]):
            assert pii not in stored, pii
        assert "enc:v1:k1:" in stored and USER in stored  # ids stay: they key the rows
        assert sealed.state_hash() == clear.state_hash()
        assert find(sealed, email=user["email"].upper()) == USER
        name = user["name"]
        assert find(sealed, zip=address["zip"], **name) == USER
        run_tool(
            sealed,
            "modify_user_address",
            {"user_id": USER, **{**address, "address1": "77 Quokka Lane"}},
        )
        assert "77 Quokka Lane" not in raw_text(url)
        assert sealed.snapshot()["users"][USER]["address"]["address1"] == "77 Quokka Lane"
    finally:
        clear.dispose()
        sealed.dispose()


def test_customers_are_found_before_during_and_after_a_rotation(url: str) -> None:
    old = KeyRing.generate("k1")
    store = Store(url, keyring=old)
    store.seed_if_empty()
    email = store.snapshot()["users"][USER]["email"]
    before = store.state_hash()
    store.dispose()

    ring = old.with_key("k2", KeyRing.generate("x").keys["x"])
    store = Store(url, keyring=ring)
    try:
        halfway = rotate_blind_index(store.engine, ring, batch_size=100, progress=_stop)
    except _Stopped:
        halfway = None
    assert halfway is None and find(store, email=email) == USER  # part old, part new keys
    rotate_columns(store.engine, ring)
    rotate_blind_index(store.engine, ring)
    assert find(store, email=email) == USER and store.state_hash() == before
    counts = {
        place: c
        for place, c in column_usage(store.engine, ring).items()
        if place.startswith("retail_")
    }
    assert counts and all(not c.get("k1") and not c.get(PLAIN) for c in counts.values()), counts
    store.dispose()
    retired = Store(url, keyring=ring.without("k1"))
    try:
        assert find(retired, email=email) == USER and retired.state_hash() == before
    finally:
        retired.dispose()


class _Stopped(Exception):
    pass


def _stop(place: str, count: int) -> None:
    raise _Stopped
