"""The platform's Alembic migrations on a database made by the previous release.

Such a database holds the commerce store's tables (and possibly LangGraph's checkpoint
tables) and no version table; upgrading adds the platform's tables and touches nothing else.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, func, inspect
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from supportgraph.api.db import (
    VERSION_TABLE,
    alembic_config,
    current_revision,
    head_revision,
    include_object,
    platform_engine,
    upgrade,
)
from supportgraph.api.tables import (
    PLATFORM_TABLES,
    Conversation,
    ConversationStatus,
    Message,
    Sender,
)
from supportgraph.commerce.models import ORDERS, TABLES, USERS
from supportgraph.commerce.store import Store
from supportgraph.tests.fakes import TEST_KEYRING
from supportgraph.tests.postgres import postgres_schema

PLATFORM_COLUMNS = {
    table.name: {column.name for column in table.columns} for table in PLATFORM_TABLES
}
COMMERCE_TABLES = {table.name for table in TABLES}
CHECKPOINT_TABLES = {"checkpoints"}  # on both backends; the others differ by saver


@pytest.fixture
def previous_release(commerce_seed_file: Path, tmp_path: Path) -> str:
    """A SQLite store as the previous release left it: seeded commerce and checkpoint tables."""
    path = tmp_path / "store.db"
    shutil.copy(commerce_seed_file, path)
    from langgraph.checkpoint.sqlite import SqliteSaver

    connection = sqlite3.connect(path, check_same_thread=False)
    SqliteSaver(connection).setup()
    connection.close()
    return f"sqlite:///{path}"


@pytest.fixture
def postgres_release() -> Iterator[str]:
    """A previous-release store in a throw-away Postgres schema; skips without PostgreSQL."""
    with postgres_schema("sg_migrations_test") as url:
        store = Store(url, keyring=TEST_KEYRING)
        store.seed_if_empty()
        store.dispose()
        from langgraph.checkpoint.postgres import PostgresSaver

        with PostgresSaver.from_conn_string(url) as saver:
            saver.setup()
        yield url


def commerce_counts(url: str) -> dict[str, int]:
    engine = platform_engine(url, keyring=TEST_KEYRING)
    try:
        with engine.connect() as conn:
            return {
                table.name: conn.scalar(sa_select(func.count()).select_from(table)) or 0
                for table in (USERS, ORDERS)
            }
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = platform_engine(url, keyring=TEST_KEYRING)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def assert_platform_tables(engine: Engine) -> None:
    """Every platform table has exactly the models' columns, indexes and foreign keys."""
    inspector = inspect(engine)
    for table in PLATFORM_TABLES:
        assert {column["name"] for column in inspector.get_columns(table.name)} == {
            column.name for column in table.columns
        }
        indexes = inspector.get_indexes(table.name)
        # Postgres reports a unique constraint's own index too; it is not a separate index.
        assert {i["name"] for i in indexes if not i.get("duplicates_constraint")} == {
            index.name for index in table.indexes
        }
        assert {
            (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
            for fk in inspector.get_foreign_keys(table.name)
        } == {
            ((fk.parent.name,), fk.column.table.name, (fk.column.name,))
            for fk in table.foreign_keys
        }
    assert {index["name"] for index in inspector.get_indexes("conversations")} >= {
        "ix_conversations_owner_updated",
        "ix_conversations_assigned_agent_id",
    }


def upgrade_and_check(url: str) -> None:
    """Upgrade a previous-release database and check it, then downgrade it to base."""
    before_tables = table_names(url)
    assert COMMERCE_TABLES | CHECKPOINT_TABLES <= before_tables
    assert not before_tables & set(PLATFORM_COLUMNS)
    counts = commerce_counts(url)
    assert counts[USERS.name] > 0 and counts[ORDERS.name] > 0
    assert current_revision(url) is None

    upgrade(url)

    assert table_names(url) == before_tables | set(PLATFORM_COLUMNS) | {VERSION_TABLE}
    engine = platform_engine(url, keyring=TEST_KEYRING)
    try:
        assert_platform_tables(engine)
    finally:
        engine.dispose()
    assert commerce_counts(url) == counts
    assert current_revision(url) == head_revision()

    upgrade(url)  # a second start-up finds the database at head and changes nothing

    assert current_revision(url) == head_revision()
    assert table_names(url) == before_tables | set(PLATFORM_COLUMNS) | {VERSION_TABLE}
    assert commerce_counts(url) == counts

    command.downgrade(alembic_config(url), "base")

    assert not table_names(url) & set(PLATFORM_COLUMNS)
    assert before_tables <= table_names(url)
    assert commerce_counts(url) == counts
    assert current_revision(url) is None


def test_that_upgrading_a_previous_sqlite_release_adds_only_the_platform_tables(
    previous_release: str,
) -> None:
    upgrade_and_check(previous_release)


def test_that_the_migrated_sqlite_tables_store_conversations_and_messages(
    previous_release: str,
) -> None:
    upgrade(previous_release)
    engine = platform_engine(previous_release, keyring=TEST_KEYRING)
    try:
        with Session(engine) as session:
            session.add(Conversation(id="conv-1", owner_id="yusuf_rossi_9620", subject="refund"))
            session.add(
                Message(id="msg-1", conversation_id="conv-1", sender=Sender.CUSTOMER, content="hi")
            )
            session.commit()
        with Session(engine) as session:
            conversation = session.get(Conversation, "conv-1")
            assert conversation is not None
            assert conversation.status == ConversationStatus.ACTIVE
            assert conversation.owner_id == "yusuf_rossi_9620"
            (message,) = session.exec(
                select(Message).where(col(Message.conversation_id) == "conv-1")
            ).all()
            assert message.sender == Sender.CUSTOMER
            assert message.content == "hi"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    finally:
        engine.dispose()


def test_that_the_migrations_match_the_declared_tables(previous_release: str) -> None:
    upgrade(previous_release)
    engine = create_engine(previous_release)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "target_metadata": SQLModel.metadata,
                    "include_object": include_object,
                    "version_table": VERSION_TABLE,
                    "compare_type": True,
                },
            )
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_that_concurrent_start_ups_migrate_a_sqlite_store_once(previous_release: str) -> None:
    run_concurrent_upgrades(previous_release)
    assert current_revision(previous_release) == head_revision()


def test_that_upgrading_a_previous_postgres_release_adds_only_the_platform_tables(
    postgres_release: str,
) -> None:
    upgrade_and_check(postgres_release)


def test_that_concurrent_start_ups_migrate_a_postgres_store_once(postgres_release: str) -> None:
    run_concurrent_upgrades(postgres_release)
    assert current_revision(postgres_release) == head_revision()
    assert PLATFORM_COLUMNS.keys() <= table_names(postgres_release)


def run_concurrent_upgrades(url: str, processes: int = 3) -> None:
    """Start several processes that all upgrade the same database at once."""
    code = "import sys; from supportgraph.api.db import upgrade; upgrade(sys.argv[1])"
    env = {**os.environ, "PYTHONSAFEPATH": "1"}
    started = [
        subprocess.Popen(
            [sys.executable, "-P", "-c", code, url],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for process in started:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
