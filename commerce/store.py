"""The retail store: engine, schema, seeding, transactions, snapshot and state hash."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

from supportgraph.commerce import records
from supportgraph.commerce.models import ORDERS, PAYMENTS, PRODUCTS, TABLES, USERS
from supportgraph.commerce.transaction import Transaction
from supportgraph.encryption.columns import BlindIndex, SealedJSON, bind_keyring
from supportgraph.encryption.keyring import KeyRing
from supportgraph.settings import SHIPPED_DATA_DIR, sqlalchemy_url


class Store:
    """The τ-bench retail data in SQLite or Postgres, read and changed in transactions.

    Customers' names, emails, addresses and card digits are sealed at rest with the key ring,
    and found by email or name through a blind index (`encryption.columns`).

    Args:
        url: SQLAlchemy URL; a plain `postgresql://` URL is given the psycopg 3 driver.
        keyring: the deployment's keys; None keeps the store in the clear, for evaluation
            sandboxes holding only the shipped public data.
    """

    def __init__(self, url: str, *, keyring: KeyRing | None) -> None:
        self.url = sqlalchemy_url(url)
        self.engine: Engine = bind_keyring(_create_engine(self.url), keyring)
        self.index = BlindIndex(keyring)
        self.dialect = self.engine.dialect.name
        memory = self.dialect == "sqlite" and make_url(self.url).database in (None, "", ":memory:")
        # Postgres serialises writers with row locks. SQLite has no row locks, so writers in
        # this process queue here, and an in-memory database shares one connection, which
        # readers must not use at the same time either.
        self._write_lock = threading.Lock() if self.dialect == "sqlite" else None
        self._read_lock = self._write_lock if memory else None

    def create_all(self) -> None:
        """Create the store's tables if they are missing; make older ones ready for sealing."""
        SQLModel.metadata.create_all(self.engine, tables=list(TABLES))
        if self.dialect == "postgresql":
            _text_sealed_columns(self.engine)

    def is_empty(self) -> bool:
        """Return True if the store holds no users."""
        with self.engine.connect() as conn:
            return not conn.scalar(select(func.count()).select_from(USERS))

    def seed_if_empty(self, shipped_dir: Path | str = SHIPPED_DATA_DIR) -> bool:
        """Create the tables and load the shipped JSON if the store is empty.

        Safe to call from several processes at start-up: one loads, the others see the data.

        Args:
            shipped_dir: folder holding `users.json`, `orders.json` and `products.json`,
                or its parent (the shipped `data/` folder).

        Returns:
            True if the data was loaded now.
        """
        self.create_all()
        rows = _read_rows(_retail_dir(Path(shipped_dir)), self.index)
        with self._exclusive() as conn:
            if conn.scalar(select(func.count()).select_from(USERS)):
                return False
            _insert(conn, rows)
        return True

    def reset(self, shipped_dir: Path | str = SHIPPED_DATA_DIR) -> None:
        """Replace everything in the store with the shipped data, as τ-bench does per task."""
        self.create_all()
        rows = _read_rows(_retail_dir(Path(shipped_dir)), self.index)
        with self._exclusive() as conn:
            for table in reversed(TABLES):
                conn.execute(delete(table))
            _insert(conn, rows)

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Transaction]:
        """Open a unit of work; a write transaction commits its changed records on success.

        Args:
            write: lock the rows read (Postgres) or the store (SQLite) and write back changes.
        """
        lock = self._write_lock if write else self._read_lock
        with self._locked(lock), self.engine.connect() as conn:
            if write and self.dialect == "sqlite":
                # BEGIN IMMEDIATE takes SQLite's write lock up front, so another process
                # cannot change a row between our read and our write.
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                tx = Transaction(conn, write=write, index=self.index)
                yield tx
                tx.flush()

    def snapshot(self) -> dict[str, Any]:
        """Return the whole store as `{"users", "orders", "products"}` in τ-bench shape."""
        with self._locked(self._read_lock), self.engine.connect() as conn:
            if self.dialect == "postgresql":
                # One snapshot for all four queries, even while writers commit in between.
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            payments: dict[str, list[Any]] = {}
            for row in conn.execute(select(PAYMENTS)):
                payments.setdefault(row.user_id, []).append(row)
            users = {
                row.user_id: records.user_record(row, payments.get(row.user_id, []))
                for row in conn.execute(select(USERS).order_by(USERS.c.position))
            }
            orders = {
                row.order_id: records.order_record(row)
                for row in conn.execute(select(ORDERS).order_by(ORDERS.c.position))
            }
            products = {
                row.product_id: records.product_record(row)
                for row in conn.execute(select(PRODUCTS).order_by(PRODUCTS.c.position))
            }
        return {"users": users, "orders": orders, "products": products}

    def state_hash(self) -> str:
        """Return τ-bench's data hash of the current store (see `records.data_hash`)."""
        return records.data_hash(self.snapshot())

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def _exclusive(self) -> Iterator[Connection]:
        """A transaction that no other writer, in any process, runs beside."""
        with self._locked(self._write_lock), self.engine.connect() as conn:
            if self.dialect == "sqlite":
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(f"LOCK TABLE {USERS.name} IN SHARE ROW EXCLUSIVE MODE")
                yield conn

    @staticmethod
    def _locked(lock: threading.Lock | None) -> Any:
        return lock if lock is not None else nullcontext()


def _read_rows(folder: Path, blind: BlindIndex) -> list[tuple[Table, list[dict[str, Any]]]]:
    """Rows of every table from the shipped JSON, parents first."""
    users = json.loads((folder / "users.json").read_text(encoding="utf-8"))
    orders = json.loads((folder / "orders.json").read_text(encoding="utf-8"))
    products = json.loads((folder / "products.json").read_text(encoding="utf-8"))
    user_rows, payment_rows = [], []
    for position, (user_id, user) in enumerate(users.items()):
        user_rows.append({**records.user_values(user_id, user, blind), "position": position})
        for index, method in enumerate(user["payment_methods"].values()):
            payment_rows.append(records.payment_values(user_id, index, method))
    order_rows = [
        {**records.order_values(order), "position": position}
        for position, order in enumerate(orders.values())
    ]
    product_rows = [
        {**records.product_values(product), "position": position}
        for position, product in enumerate(products.values())
    ]
    return [
        (USERS, user_rows),
        (PAYMENTS, payment_rows),
        (ORDERS, order_rows),
        (PRODUCTS, product_rows),
    ]


def _text_sealed_columns(engine: Engine) -> None:
    """A store made before sealing kept addresses as `json`: a ciphertext needs `text`."""
    inspector = inspect(engine)
    changes = [
        (table.name, column.name)
        for table in TABLES
        for column in table.columns
        if isinstance(column.type, SealedJSON)
        and not isinstance(
            {c["name"]: c["type"] for c in inspector.get_columns(table.name)}[column.name], Text
        )
    ]
    if not changes:
        return
    with engine.begin() as conn:
        for table_name, column_name in changes:
            conn.exec_driver_sql(
                f'ALTER TABLE "{table_name}" ALTER COLUMN "{column_name}" '
                f'TYPE text USING "{column_name}"::text'
            )


def _insert(conn: Connection, rows: list[tuple[Table, list[dict[str, Any]]]]) -> None:
    # One executemany per table: seeding takes a fraction of a second on SQLite and Postgres.
    for table, table_rows in rows:
        if table_rows:
            conn.execute(insert(table), table_rows)


def _retail_dir(folder: Path) -> Path:
    return folder if (folder / "users.json").exists() else folder / "retail"


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    memory = parsed.database in (None, "", ":memory:")
    if parsed.database and not memory:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        # Tools run in worker threads (asyncio.to_thread), so connections cross threads.
        connect_args={"check_same_thread": False, "timeout": 30},
        poolclass=StaticPool if memory else None,
    )
    _use_explicit_sqlite_begin(engine)
    return engine


def _use_explicit_sqlite_begin(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, emit BEGIN, so reads are inside the transaction too."""

    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")
