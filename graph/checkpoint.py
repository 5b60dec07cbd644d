"""Conversation memory: the SQLite saver by default, the Postgres saver in production.

Checkpoints are sealed with the deployment's key ring (AES-256-GCM) through LangGraph's own
`EncryptedSerializer`; the stored type reads `msgpack+aesgcm.<key id>`, so each row says which
key opens it. Two things the stock savers keep beside the serialized state are sealed too:

- the checkpoint metadata, which copies every string of the run's `configurable` (the signed-in
  customer, for one): only the thread's own keys reach it;
- on Postgres, the channel values the saver keeps inline in its JSONB column (strings, numbers,
  booleans): they are stored as sealed strings and opened on the way out.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.serde.encrypted import EncryptedSerializer
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from supportgraph.encryption.keyring import KeyRing, KeyRingError, is_sealed, load_keyring
from supportgraph.settings import Settings

if TYPE_CHECKING:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

CIPHER = "aesgcm"
CONTEXT = "checkpoints"
INLINE_CONTEXT = "checkpoints.inline"
_THREAD_KEYS = ("thread_id", "checkpoint_ns", "checkpoint_id")


class KeyRingCipher:
    """LangGraph's `CipherProtocol` over the key ring: cipher names are `aesgcm.<key id>`."""

    def __init__(self, ring: KeyRing) -> None:
        """Seal with this ring's active key."""
        self.ring = ring

    def encrypt(self, plaintext: bytes) -> tuple[str, bytes]:
        """Seal serialized state; returns the cipher name (with the key id) and the bytes."""
        kid, blob = self.ring.seal_bytes(plaintext, CONTEXT)
        return f"{CIPHER}.{kid}", blob

    def decrypt(self, ciphername: str, ciphertext: bytes) -> bytes:
        """Open what `encrypt` sealed."""
        cipher, _, kid = ciphername.partition(".")
        if cipher != CIPHER or not kid:
            raise KeyRingError(f"unknown checkpoint cipher {ciphername!r}")
        return self.ring.open_bytes(kid, ciphertext, CONTEXT)


def sealed_serde(ring: KeyRing) -> EncryptedSerializer:
    """The checkpoint serializer: LangGraph's JSON+msgpack, sealed with the ring."""
    return EncryptedSerializer(KeyRingCipher(ring), JsonPlusSerializer())


def thread_only(config: RunnableConfig) -> RunnableConfig:
    """The config less everything but the thread's keys (which the metadata would copy)."""
    configurable = config.get("configurable") or {}
    return {"configurable": {k: configurable[k] for k in _THREAD_KEYS if k in configurable}}


class SealedSqliteSaver(AsyncSqliteSaver):
    """The SQLite saver, with nothing of the run's configuration in the plain metadata."""

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """Save a checkpoint, its metadata stripped of the run's configurable values."""
        return await super().aput(thread_only(config), checkpoint, metadata, new_versions)


def _postgres_saver(ring: KeyRing) -> type[AsyncPostgresSaver]:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

    class SealedPostgresSaver(AsyncPostgresSaver):
        """The Postgres saver, with its inline channel values sealed too."""

        async def aput(
            self,
            config: RunnableConfig,
            checkpoint: Checkpoint,
            metadata: CheckpointMetadata,
            new_versions: ChannelVersions,
        ) -> RunnableConfig:
            """Save a checkpoint, its inline primitives sealed and its metadata stripped."""
            values = {
                key: _seal_inline(ring, value)
                for key, value in checkpoint["channel_values"].items()
            }
            sealed: Checkpoint = {**checkpoint, "channel_values": values}
            return await super().aput(thread_only(config), sealed, metadata, new_versions)

        async def _load_checkpoint_tuple(self, value: Any) -> CheckpointTuple:
            loaded = await super()._load_checkpoint_tuple(value)
            values = loaded.checkpoint["channel_values"]
            opened = {key: _open_inline(ring, item) for key, item in values.items()}
            return loaded._replace(checkpoint={**loaded.checkpoint, "channel_values": opened})

    return SealedPostgresSaver


def _seal_inline(ring: KeyRing, value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return ring.seal(json.dumps(value).encode(), INLINE_CONTEXT)
    return value


def _open_inline(ring: KeyRing, value: Any) -> Any:
    if isinstance(value, str) and is_sealed(value):
        return json.loads(ring.open(value, INLINE_CONTEXT))
    return value


@asynccontextmanager
async def open_checkpointer(
    settings: Settings, *, keyring: KeyRing | None = None
) -> AsyncIterator[BaseCheckpointSaver]:
    """Open the checkpointer chosen by settings, with its tables created.

    Args:
        settings: `database_url` selects Postgres; otherwise a SQLite file in the data dir.
        keyring: the keys sealing the checkpoints; the settings' key ring when omitted.
    """
    ring = keyring or load_keyring(settings)
    serde = sealed_serde(ring)
    if settings.database_url:
        saver_type = _postgres_saver(ring)
        async with saver_type.from_conn_string(settings.database_url, serde=serde) as postgres:
            await postgres.setup()
            yield postgres
        return
    import aiosqlite

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(str(settings.checkpoint_path)) as connection:
        saver = SealedSqliteSaver(connection, serde=serde)
        await saver.setup()
        yield saver
