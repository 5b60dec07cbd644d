"""Key rotation: every sealed value re-sealed under the active key, in resumable batches.

Rotation never leaves a value unreadable: a batch reads values sealed with any key of the ring
(or still plain), seals them again with the active key, and writes each back only if it is
unchanged since it was read, committing once per batch. A stopped rotation resumes where it
left off, since it only ever picks values not yet under the active key. A key is removed from
the ring (`retire`) only when no value anywhere still needs it.

Covered: every `SealedText`/`SealedJSON` column of the platform's and the store's tables, the
store's blind index (re-derived under the active key), and the LangGraph checkpoints (their
serialized state, pending writes and, on Postgres, the channel values kept inline).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column as SAColumn
from sqlalchemy import Engine, Text, and_, func, or_, select, type_coerce, update
from sqlalchemy import inspect as sa_inspect

from supportgraph.api.tables import PLATFORM_TABLES
from supportgraph.commerce.models import TABLES as STORE_TABLES
from supportgraph.commerce.models import USERS
from supportgraph.commerce.records import name_key
from supportgraph.encryption.columns import BlindIndex, SealedJSON, SealedText
from supportgraph.encryption.keyring import PREFIX, KeyRing, is_sealed, key_id
from supportgraph.graph.checkpoint import CIPHER, CONTEXT, INLINE_CONTEXT
from supportgraph.settings import Settings

PLAIN = "(plain)"
"""The usage-count key of values written before encryption."""


@dataclass(frozen=True)
class SealedColumn:
    """One sealed column of a platform table."""

    column: SAColumn[Any]
    context: str

    @property
    def name(self) -> str:
        """`table.column`."""
        return self.context


def sealed_columns() -> list[SealedColumn]:
    """Every sealed column of the platform's and the commerce store's tables."""
    return [
        SealedColumn(column, column.type.context)
        for table in (*PLATFORM_TABLES, *STORE_TABLES)
        for column in table.columns
        if isinstance(column.type, (SealedText, SealedJSON))
    ]


@dataclass
class Rotation:
    """What a rotation re-sealed, by place."""

    resealed: dict[str, int] = field(default_factory=dict)

    def add(self, place: str, count: int) -> None:
        """Count values re-sealed in a place."""
        self.resealed[place] = self.resealed.get(place, 0) + count

    @property
    def total(self) -> int:
        """Values re-sealed in all."""
        return sum(self.resealed.values())


# Platform tables.


def _raw(column: SAColumn[Any]) -> Any:
    """The stored text of a sealed column, not opened."""
    return type_coerce(column, Text)


def _stale(column: SAColumn[Any], active: str) -> Any:
    raw = _raw(column)
    return and_(raw.is_not(None), raw != "", ~raw.like(f"{PREFIX}{active}:%"))


def reseal(ring: KeyRing, stored: str, context: str) -> str:
    """A stored value (sealed with any key of the ring, or plain) sealed with the active key."""
    plaintext = ring.open(stored, context) if is_sealed(stored) else stored.encode()
    return ring.seal(plaintext, context)


def rotate_columns(
    engine: Engine,
    ring: KeyRing,
    *,
    batch_size: int = 500,
    progress: Callable[[str, int], None] | None = None,
) -> Rotation:
    """Re-seal every platform value not under the active key; one commit per batch."""
    rotation = Rotation()
    existing = _existing(engine)
    for sealed in sealed_columns():
        table = sealed.column.table
        if table.name not in existing:
            continue
        (pk,) = table.primary_key.columns
        after: Any = None
        while True:
            query = select(pk, _raw(sealed.column)).where(_stale(sealed.column, ring.active))
            if after is not None:
                query = query.where(pk > after)
            with engine.begin() as connection:
                rows = connection.execute(query.order_by(pk).limit(batch_size)).all()
                for key, stored in rows:
                    resealed = reseal(ring, stored, sealed.context)
                    changed = connection.execute(
                        update(table)
                        .where(pk == key, _raw(sealed.column) == stored)
                        .values({sealed.column.name: type_coerce(resealed, Text)})
                    )
                    rotation.add(sealed.name, changed.rowcount)
            if not rows:
                break
            after = rows[-1][0]
            if progress:
                progress(sealed.name, rotation.resealed.get(sealed.name, 0))
    return rotation


def rotate_blind_index(
    engine: Engine,
    ring: KeyRing,
    *,
    batch_size: int = 500,
    progress: Callable[[str, int], None] | None = None,
) -> Rotation:
    """Re-derive the store's email and name digests under the active key; one commit per batch.

    Lookups try every key of the ring, so a customer is found before, during and after.
    """
    rotation, index = Rotation(), BlindIndex(ring)
    if USERS.name not in _existing(engine):
        return rotation
    current = f"{ring.active}:%"
    stale = or_(~USERS.c.email_key.like(current), ~USERS.c.name_key.like(current))
    after: str | None = None
    while True:
        query = select(USERS.c.user_id, USERS.c.email, USERS.c.first_name, USERS.c.last_name).where(
            stale
        )
        if after is not None:
            query = query.where(USERS.c.user_id > after)
        with engine.begin() as connection:
            rows = connection.execute(query.order_by(USERS.c.user_id).limit(batch_size)).all()
            for user_id, email, first, last in rows:
                connection.execute(
                    update(USERS)
                    .where(USERS.c.user_id == user_id)
                    .values(
                        email_key=index.key(email.lower()),
                        name_key=index.key(name_key(first, last)),
                    )
                )
            rotation.add("retail_users.blind_index", len(rows))
        if not rows:
            return rotation
        after = rows[-1][0]
        if progress:
            progress("retail_users.blind_index", rotation.resealed["retail_users.blind_index"])


def _existing(engine: Engine) -> set[str]:
    """The sealed tables this database has (a store-only or a platform-only one has half)."""
    inspector = sa_inspect(engine)
    names = {c.column.table.name for c in sealed_columns()} | {USERS.name}
    return {name for name in names if inspector.has_table(name)}


def column_usage(engine: Engine, ring: KeyRing) -> dict[str, dict[str, int]]:
    """How many values of each sealed column each key (and `(plain)`) holds."""
    usage: dict[str, dict[str, int]] = {}
    existing = _existing(engine)
    with engine.connect() as connection:
        for sealed in sealed_columns():
            if sealed.column.table.name not in existing:
                continue
            raw = _raw(sealed.column)
            counts: dict[str, int] = {}
            for kid in ring.keys:
                counts[kid] = connection.execute(
                    select(func.count()).where(raw.like(f"{PREFIX}{kid}:%"))
                ).scalar_one()
            counts[PLAIN] = connection.execute(
                select(func.count()).where(raw.is_not(None), raw != "", ~raw.like(f"{PREFIX}%"))
            ).scalar_one()
            other = connection.execute(
                select(func.count()).where(raw.like(f"{PREFIX}%"))
            ).scalar_one() - sum(counts[kid] for kid in ring.keys)
            if other:
                counts["(unknown key)"] = other
            usage[sealed.name] = counts
        if USERS.name in existing:
            counts = {
                kid: connection.execute(
                    select(func.count()).where(USERS.c.email_key.like(f"{kid}:%"))
                ).scalar_one()
                for kid in ring.keys
            }
            total = connection.execute(select(func.count()).select_from(USERS)).scalar_one()
            counts[PLAIN] = total - sum(counts.values())
            usage["retail_users.blind_index"] = counts
    return usage


# Checkpoints.


def _cipher_kid(type_: str) -> str | None:
    """The key id in a checkpoint row's type (`msgpack+aesgcm.<kid>`); None when plain."""
    _, plus, cipher = type_.partition("+")
    name, _, kid = cipher.partition(".")
    return kid if plus and name == CIPHER else None


def _reseal_blob(ring: KeyRing, type_: str, blob: bytes) -> tuple[str, bytes]:
    base, plus, cipher = type_.partition("+")
    if plus:
        _, _, kid = cipher.partition(".")
        blob = ring.open_bytes(kid, blob, CONTEXT)
    kid, sealed = ring.seal_bytes(blob, CONTEXT)
    return f"{base}+{CIPHER}.{kid}", sealed


_SQLITE_BLOBS = (
    ("checkpoints", ("thread_id", "checkpoint_ns", "checkpoint_id"), "checkpoint"),
    ("writes", ("thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx"), "value"),
)
_POSTGRES_BLOBS = (
    ("checkpoint_blobs", ("thread_id", "checkpoint_ns", "channel", "version"), "blob"),
    (
        "checkpoint_writes",
        ("thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "idx"),
        "blob",
    ),
)


def _blob_tables(postgres: bool) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    return _POSTGRES_BLOBS if postgres else _SQLITE_BLOBS


def _stale_type(mark: str) -> str:
    """Rows not yet under the key whose `%+aesgcm.<kid>` pattern is the parameter.

    A NULL or 'empty' type marks a placeholder, which holds nothing to seal.
    """
    return f"type IS NOT NULL AND type <> 'empty' AND type NOT LIKE {mark}"


class CheckpointStore:
    """Raw access to the checkpoint tables of SQLite or Postgres (DB-API, one connection)."""

    def __init__(self, settings: Settings) -> None:
        """Open the deployment's checkpoint database."""
        self.postgres = bool(settings.database_url)
        if self.postgres:
            import psycopg

            self.connection: Any = psycopg.connect(settings.database_url)
        else:
            self.connection = sqlite3.connect(settings.checkpoint_path)
        self.mark = "%s" if self.postgres else "?"

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def exists(self, table: str) -> bool:
        """Whether the saver has created this table yet."""
        if self.postgres:
            query = "SELECT to_regclass(%s) IS NOT NULL"
            return bool(self.connection.execute(query, (table,)).fetchone()[0])
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return self.connection.execute(query, (table,)).fetchone() is not None

    def rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """Run a query; return its rows."""
        return list(self.connection.execute(sql, params).fetchall())

    def execute(self, sql: str, params: tuple[Any, ...]) -> int:
        """Run a statement; return the rows it changed."""
        return int(self.connection.execute(sql, params).rowcount)

    def commit(self) -> None:
        """Commit the batch."""
        self.connection.commit()


def rotate_checkpoints(
    settings: Settings,
    ring: KeyRing,
    *,
    batch_size: int = 500,
    progress: Callable[[str, int], None] | None = None,
) -> Rotation:
    """Re-seal every checkpoint row not under the active key; one commit per batch."""
    rotation = Rotation()
    store = CheckpointStore(settings)
    try:
        for table, keys, blob in _blob_tables(store.postgres):
            if store.exists(table):
                _rotate_blobs(store, ring, table, keys, blob, batch_size, rotation, progress)
        if store.postgres and store.exists("checkpoints"):
            _rotate_inline(store, ring, batch_size, rotation, progress)
    finally:
        store.close()
    return rotation


def _rotate_blobs(
    store: CheckpointStore,
    ring: KeyRing,
    table: str,
    keys: tuple[str, ...],
    blob: str,
    batch_size: int,
    rotation: Rotation,
    progress: Callable[[str, int], None] | None,
) -> None:
    m = store.mark
    pk = ", ".join(keys)
    stale = _stale_type(m)
    active_type = f"%+{CIPHER}.{ring.active}"
    after: tuple[Any, ...] | None = None
    while True:
        where, params = stale, (active_type,)
        if after is not None:
            where += f" AND ({pk}) > ({', '.join([m] * len(keys))})"
            params += after
        rows = store.rows(
            f"SELECT {pk}, type, {blob} FROM {table} WHERE {where} ORDER BY {pk} LIMIT {m}",
            (*params, batch_size),
        )
        if not rows:
            return
        for row in rows:
            ids, type_, value = row[: len(keys)], row[len(keys)], row[len(keys) + 1]
            new_type, new_value = _reseal_blob(ring, type_, bytes(value))
            condition = " AND ".join(f"{k} = {m}" for k in keys)
            rotation.add(
                f"checkpoints.{table}",
                store.execute(
                    f"UPDATE {table} SET type = {m}, {blob} = {m} WHERE {condition} AND type = {m}",
                    (new_type, new_value, *ids, type_),
                ),
            )
        store.commit()
        after = tuple(rows[-1][: len(keys)])
        if progress:
            progress(f"checkpoints.{table}", rotation.resealed.get(f"checkpoints.{table}", 0))


def _rotate_inline(
    store: CheckpointStore,
    ring: KeyRing,
    batch_size: int,
    rotation: Rotation,
    progress: Callable[[str, int], None] | None,
) -> None:
    keys = ("thread_id", "checkpoint_ns", "checkpoint_id")
    after: tuple[Any, ...] | None = None
    while True:
        where, params = "TRUE", ()
        if after is not None:
            where, params = "(thread_id, checkpoint_ns, checkpoint_id) > (%s, %s, %s)", after
        rows = store.rows(
            "SELECT thread_id, checkpoint_ns, checkpoint_id, checkpoint -> 'channel_values' "
            f"FROM checkpoints WHERE {where} ORDER BY thread_id, checkpoint_ns, checkpoint_id "
            "LIMIT %s",
            (*params, batch_size),
        )
        if not rows:
            return
        for *ids, values in rows:
            resealed = _reseal_inline(ring, values or {})
            if resealed is not None:
                rotation.add(
                    "checkpoints.inline",
                    store.execute(
                        "UPDATE checkpoints SET checkpoint = jsonb_set(checkpoint, "
                        "'{channel_values}', %s::jsonb) WHERE thread_id = %s AND "
                        "checkpoint_ns = %s AND checkpoint_id = %s",
                        (json.dumps(resealed), *ids),
                    ),
                )
        store.commit()
        after = tuple(rows[-1][: len(keys)])
        if progress:
            progress("checkpoints.inline", rotation.resealed.get("checkpoints.inline", 0))


def _reseal_inline(ring: KeyRing, values: dict[str, Any]) -> dict[str, Any] | None:
    """Inline channel values re-sealed; None when all are already under the active key."""
    out: dict[str, Any] = {}
    changed = False
    for name, value in values.items():
        if isinstance(value, str) and is_sealed(value):
            if key_id(value) == ring.active:
                out[name] = value
                continue
            out[name] = ring.seal(ring.open(value, INLINE_CONTEXT), INLINE_CONTEXT)
        elif value is None or isinstance(value, (str, int, float, bool)):
            out[name] = ring.seal(json.dumps(value).encode(), INLINE_CONTEXT)
        else:
            out[name] = value
            continue
        changed = True
    return out if changed else None


def checkpoint_usage(settings: Settings, ring: KeyRing) -> dict[str, dict[str, int]]:
    """How many checkpoint rows each key (and `(plain)`) holds, by table."""
    usage: dict[str, dict[str, int]] = {}
    store = CheckpointStore(settings)
    try:
        for table, _, _ in _blob_tables(store.postgres):
            if not store.exists(table):
                continue
            counts: dict[str, int] = {}
            for (type_,) in store.rows(
                f"SELECT type FROM {table} WHERE type IS NOT NULL AND type <> 'empty'", ()
            ):
                kid = _cipher_kid(type_) or PLAIN
                counts[kid] = counts.get(kid, 0) + 1
            usage[f"checkpoints.{table}"] = counts
        if store.postgres and store.exists("checkpoints"):
            usage["checkpoints.inline"] = _inline_usage(store)
    finally:
        store.close()
    return usage


def _inline_usage(store: CheckpointStore) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (values,) in store.rows("SELECT checkpoint -> 'channel_values' FROM checkpoints", ()):
        for value in (values or {}).values():
            if isinstance(value, str) and is_sealed(value):
                kid = key_id(value) or PLAIN
            elif value is None or isinstance(value, (str, int, float, bool)):
                kid = PLAIN
            else:
                continue
            counts[kid] = counts.get(kid, 0) + 1
    return counts


def usage(engine: Engine, settings: Settings, ring: KeyRing) -> dict[str, dict[str, int]]:
    """Key usage of every sealed place: platform columns and checkpoints."""
    return {**column_usage(engine, ring), **checkpoint_usage(settings, ring)}


def users_of(kid: str, places: dict[str, dict[str, int]]) -> Iterator[tuple[str, int]]:
    """The places still holding values sealed with a key, and how many."""
    for place, counts in places.items():
        if counts.get(kid):
            yield place, counts[kid]
