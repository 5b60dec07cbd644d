"""The support platform's database: Alembic upgrades of its tables and the engine that uses them.

The platform's tables share the commerce store's database (`Settings().store_url`). Only the
migrations in `api/migrations` create or change them, and those never touch another table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool, StaticPool

from supportgraph.api.tables import PLATFORM_TABLES
from supportgraph.encryption.columns import bind_keyring
from supportgraph.encryption.keyring import KeyRing, load_keyring
from supportgraph.settings import Settings, sqlalchemy_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
"""The Alembic script directory shipped inside the package."""

VERSION_TABLE = "supportgraph_alembic_version"
"""Alembic's version table, named so it cannot collide with another app's in a shared database."""

PLATFORM_TABLE_NAMES = frozenset(table.name for table in PLATFORM_TABLES)
"""Names of the tables the migrations own."""

SQLITE_BUSY_TIMEOUT_S = 30
"""How long a SQLite connection waits for another writer's lock before failing."""

_ADVISORY_LOCK_KEY = int.from_bytes(
    hashlib.sha256(VERSION_TABLE.encode()).digest()[:8], "big", signed=True
)
"""The Postgres advisory lock that serialises upgrades across processes and hosts."""


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: consider only the platform's tables and what belongs to them.

    The commerce store's tables and LangGraph's checkpoint tables are therefore invisible to
    autogenerate, which can never propose creating, altering or dropping them.

    Args:
        obj: the schema item (table, column, index, constraint) being compared.
        name: its name.
        type_: `"table"`, `"column"`, `"index"`, `"unique_constraint"` or
            `"foreign_key_constraint"`.
        reflected: True if it was read from the database rather than the metadata.
        compare_to: its counterpart on the other side, or None.

    Returns:
        True if the item is one of the platform tables or part of one.
    """
    if type_ == "table":
        return name in PLATFORM_TABLE_NAMES
    table = getattr(obj, "table", None)
    if table is not None:
        return table.name in PLATFORM_TABLE_NAMES
    return True


def alembic_config(url: str) -> Config:
    """Build the Alembic configuration for a database, in code (no alembic.ini).

    Args:
        url: SQLAlchemy URL of the store's database; a plain `postgresql://` URL is given
            the psycopg 3 driver.

    Returns:
        A Config whose script location is the package's migrations and whose
        `sqlalchemy.url` is the database.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # The Config is a ConfigParser: a literal % (URL-encoded characters) must be doubled.
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """Return the newest revision of the shipped migrations."""
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS_DIR}")
    return head


def upgrade(url: str) -> None:
    """Bring the platform's tables to the newest revision (`alembic upgrade head`).

    Safe to call at every start-up, from several processes at once: on Postgres the upgrade
    runs under an advisory lock, on SQLite in one `BEGIN IMMEDIATE` transaction, so one
    process migrates and the others find the database already at head. A database made by
    a release without these tables gains them; the commerce tables are left as they are.

    Args:
        url: SQLAlchemy URL of the store's database (`Settings().store_url`).
    """
    config = alembic_config(url)
    with _upgrade_lock(sqlalchemy_url(url)):
        command.upgrade(config, "head")


def current_revision(url: str) -> str | None:
    """Return the revision the database's platform tables are at.

    Args:
        url: SQLAlchemy URL of the store's database.

    Returns:
        The revision id, or None if the migrations have never run there.
    """
    engine = migration_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            return context.get_current_revision()
    finally:
        engine.dispose()


def platform_engine(url: str, *, keyring: KeyRing) -> Engine:
    """Create the engine the platform reads and writes its tables with.

    On SQLite connections may cross threads, use WAL (readers never wait for the writer)
    and wait up to 30 s for another writer; on Postgres a pooled connection is checked
    before use. The caller owns the engine and disposes of it.

    Args:
        url: SQLAlchemy URL of the store's database; a plain `postgresql://` URL is given
            the psycopg 3 driver.
        keyring: the keys sealing the encrypted columns (`encryption.keyring.load_keyring`).

    Returns:
        A new engine.
    """
    parsed = make_url(sqlalchemy_url(url))
    if parsed.get_backend_name() != "sqlite":
        return bind_keyring(create_engine(parsed, pool_pre_ping=True), keyring)
    engine = bind_keyring(_sqlite_engine(url, pool=None), keyring)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        finally:
            cursor.close()

    return engine


def engine_for(settings: Settings) -> Engine:
    """The platform engine of a deployment: its store's database, sealed with its keys."""
    return platform_engine(settings.store_url, keyring=load_keyring(settings))


def migration_engine(url: str) -> Engine:
    """Create a one-off engine for running migrations (used by the migrations' `env.py`).

    It pools nothing. On SQLite every transaction starts with `BEGIN IMMEDIATE`, so the DDL
    and the version stamp of a migration commit together while other writers wait.

    Args:
        url: SQLAlchemy URL of the store's database.

    Returns:
        A new engine; the caller disposes of it.
    """
    parsed = make_url(sqlalchemy_url(url))
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, poolclass=NullPool)
    engine = _sqlite_engine(url, pool=NullPool)

    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, emit BEGIN, so DDL runs inside the transaction too.
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def _upgrade_lock(url: str) -> Iterator[None]:
    """Hold Postgres's advisory lock for the upgrade; SQLite locks inside the migration."""
    if make_url(url).get_backend_name() != "postgresql":
        yield
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_LOCK_KEY}
                )
    finally:
        engine.dispose()


def _sqlite_engine(url: str, *, pool: Any) -> Engine:
    """A SQLite engine usable from worker threads; in-memory databases share one connection."""
    memory = _is_memory(url)
    if not memory:
        _make_parent_dir(url)
    return create_engine(
        make_url(url),
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        poolclass=StaticPool if memory else pool,
    )


def _is_memory(url: str) -> bool:
    return make_url(url).database in (None, "", ":memory:")


def _make_parent_dir(url: str) -> None:
    database = make_url(url).database
    if database:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
