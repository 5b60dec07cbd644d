"""Encryption at rest on each database: raw rows hold no plain text, and rotation re-seals
everything in resumable batches without ever leaving a value unreadable."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from supportgraph.api.db import engine_for, platform_engine, upgrade
from supportgraph.api.tables import Conversation, Message
from supportgraph.cli import main as cli
from supportgraph.encryption.canary import verify_keys
from supportgraph.encryption.keyring import KeyRing, KeyRingError, load_keyring
from supportgraph.encryption.rotate import PLAIN, rotate_columns, usage
from supportgraph.settings import Settings
from supportgraph.tests.integration.test_conversations_api import BASE, USER, client_for, login
from supportgraph.tests.integration.test_handoff import ASK_HUMAN, READINGS, say

MARKER = "Zanzibar-quokka-7731"
"""A string found nowhere in the shipped data: if it is in a raw row, something is plain."""

SAID = f"my gate code is {MARKER}, please note it"


def settings_for(tmp_path: Path, backend: dict[str, str]) -> Settings:
    return Settings(data_dir=tmp_path / "data", **({"database_url": ""} | backend))


def converse(client: TestClient) -> str:
    """A conversation holding the marker in a message, a feedback comment and the checkpoints."""
    user = login(client, "USER", USER)
    cid = client.post(BASE, headers=user).json()["conversation_id"]
    say(client, cid, SAID, user)
    say(client, cid, ASK_HUMAN, user)
    feedback = client.post(
        f"{BASE}/{cid}/feedback",
        json={"rating": 2, "comment": f"you forgot {MARKER}"},
        headers=user,
    )
    assert feedback.is_success, feedback.text
    shown = client.get(f"{BASE}/{cid}", headers=user).json()
    assert any(MARKER in m["content"] for m in shown["messages"])  # stored, and readable
    return cid


def raw_sqlite_values(path: Path) -> Iterator[tuple[str, Any]]:
    connection = sqlite3.connect(path)
    try:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    yield table, value
    finally:
        connection.close()


def raw_postgres_rows(url: str) -> Iterator[tuple[str, str]]:
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        ).fetchall()
        for (table,) in tables:
            for (text,) in connection.execute(f'SELECT t::text FROM "{table}" t'):
                yield table, text


def plain_places(settings: Settings, needle: str) -> set[str]:
    """The tables where a raw row holds `needle` as text or as bytes (hex, on Postgres)."""
    found: set[str] = set()
    if settings.database_url:
        for table, text in raw_postgres_rows(settings.database_url):
            if needle in text or needle.encode().hex() in text:
                found.add(table)
        return found
    for path in (settings.data_dir / "store.db", settings.checkpoint_path):
        for table, value in raw_sqlite_values(path):
            if (isinstance(value, str) and needle in value) or (
                isinstance(value, bytes) and needle.encode() in value
            ):
                found.add(f"{path.name}:{table}")
    return found


def test_no_raw_row_holds_what_the_customer_wrote(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    settings = settings_for(tmp_path, backend)
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        converse(client)
    assert plain_places(settings, MARKER) == set()
    keyed = {"conversations", "messages", "audit_log"}  # the customer's id keys these rows
    assert plain_places(settings, USER) <= keyed | {f"store.db:{table}" for table in keyed}
    ring = load_keyring(settings)
    engine = engine_for(settings)
    try:
        places = usage(engine, settings, ring)
    finally:
        engine.dispose()
    assert places["messages.content"][ring.active] >= 4 and places["messages.content"][PLAIN] == 0
    assert places["feedback.comment"][ring.active] == 1
    assert places["outbox_events.payload"][ring.active] > 0
    checkpoint_tables = [p for p in places if p.startswith("checkpoints.")]
    assert checkpoint_tables and all(
        set(places[p]) <= {ring.active} and places[p] for p in checkpoint_tables
    ), places


def test_rotation_resumes_after_a_stop_and_never_leaves_a_value_unreadable(
    commerce: Any,
    tmp_path: Path,
    backend: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = settings_for(tmp_path, backend)
    monkeypatch.setenv("SUPPORTGRAPH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SUPPORTGRAPH_DATABASE_URL", settings.database_url)
    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        cid = converse(client)
    old = load_keyring(settings).active
    engine = engine_for(settings)
    with engine.begin() as connection:  # one message from before encryption was turned on
        said = connection.execute(
            sa.select(Message.id).where(Message.content == SAID)  # type: ignore[arg-type]
        ).all()
        assert said == []  # a sealed column cannot be searched: each seal has its own nonce
        rows = connection.execute(sa.select(Message.id, Message.content)).all()  # type: ignore[call-overload]
        (first,) = [key for key, content in rows if content == SAID]
        connection.execute(
            sa.update(Message)
            .where(Message.id == first)  # type: ignore[arg-type]
            .values(content=sa.type_coerce(f"plain {MARKER}", sa.Text))
        )
    engine.dispose()

    assert cli(["keys", "new"]) == 0
    ring = load_keyring(settings)
    assert ring.active != old and set(ring.keys) == {old, ring.active}

    class Stop(Exception):
        pass

    def stop_after_first_batch(place: str, count: int) -> None:
        raise Stop

    engine = engine_for(settings)
    try:
        with pytest.raises(Stop):
            rotate_columns(engine, ring, batch_size=1, progress=stop_after_first_batch)
        halfway = usage(engine, settings, ring)["messages.content"]
    finally:
        engine.dispose()
    assert halfway[old] > 0 and halfway[ring.active] == 1  # stopped after one committed batch
    assert cli(["keys", "retire", old]) == 2
    assert "still seals values" in capsys.readouterr().err

    with client_for(commerce, tmp_path, READINGS, **backend) as client:  # all still readable
        shown = client.get(f"{BASE}/{cid}", headers=login(client, "USER", USER)).json()
        assert f"plain {MARKER}" in [m["content"] for m in shown["messages"]]

    assert cli(["keys", "rotate", "--batch-size", "2"]) == 0
    assert "re-sealed" in capsys.readouterr().out
    engine = engine_for(settings)
    try:
        after = usage(engine, settings, ring)
    finally:
        engine.dispose()
    assert all(not counts.get(old) and not counts.get(PLAIN) for counts in after.values()), after
    assert after["messages.content"][ring.active] == sum(halfway.values())  # none lost
    assert cli(["keys", "rotate"]) == 0 and "re-sealed 0 values" in capsys.readouterr().out
    assert cli(["keys", "retire", old]) == 0
    assert set(load_keyring(settings).keys) == {ring.active}
    assert plain_places(settings, MARKER) == set()

    with client_for(commerce, tmp_path, READINGS, **backend) as client:
        user = login(client, "USER", USER)
        shown = client.get(f"{BASE}/{cid}", headers=user).json()
        assert f"plain {MARKER}" in [m["content"] for m in shown["messages"]]
        assert say(client, cid, "hello", user)  # the thread's checkpoints open, and it goes on


def test_a_value_sealed_for_one_column_does_not_open_in_another(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url="")
    upgrade(settings.store_url)
    engine = engine_for(settings)
    ring: KeyRing = load_keyring(settings)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO conversations (id, anonymous, channel, status, priority, "
                    "sentiment, subject, language, created_at, updated_at) VALUES "
                    "('c1', 0, 'web', 'ACTIVE', 'MEDIUM', 0, :subject, 'en', :now, :now)"
                ),
                {"subject": ring.seal(b"moved", "messages.content"), "now": "2026-12-04"},
            )
        with engine.connect() as connection, pytest.raises(KeyRingError, match="authentication"):
            connection.execute(sa.select(Conversation.subject)).all()  # type: ignore[call-overload]
    finally:
        engine.dispose()


def test_a_process_whose_keys_cannot_open_the_database_refuses_to_start(
    tmp_path: Path, backend: dict[str, str]
) -> None:
    first = settings_for(tmp_path / "a", backend)
    upgrade(first.store_url)
    engine = engine_for(first)
    try:
        verify_keys(engine)  # the first process records its key
        verify_keys(engine)  # and finds it again
    finally:
        engine.dispose()
    ring = load_keyring(first)
    second = settings_for(tmp_path / "b", backend)  # its own key file
    for other, problem in (
        (load_keyring(second), "lacks key"),
        (KeyRing({ring.active: b"\x07" * 32}, ring.active), "other key material"),
    ):
        stranger = platform_engine(first.store_url, keyring=other)
        try:
            with pytest.raises(KeyRingError, match=problem):
                verify_keys(stranger)
        finally:
            stranger.dispose()
    if not first.database_url:  # on SQLite the second process gets a copy of the database
        shutil.copy(first.data_dir / "store.db", second.data_dir / "store.db")
    from supportgraph.server import create_app

    with pytest.raises(KeyRingError, match="same keys"), TestClient(create_app(second)):
        pass
