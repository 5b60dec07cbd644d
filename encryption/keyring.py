"""The key ring: AES-256-GCM data keys by id, one of them active for new writes.

A sealed value is text, `enc:v1:<key id>:<base64(nonce | ciphertext+tag)>`, so it fits any
text column and says which key opens it. Keys come, in this order of precedence, from:

- a **key provider** (`SUPPORTGRAPH_KEY_PROVIDER=package.module:function`), the port to a KMS:
  the function takes the settings and returns a `KeyRing` (for instance data keys unwrapped
  by the KMS at start-up);
- the **environment**, `SUPPORTGRAPH_ENCRYPTION_KEYS="k2:<base64 key>,k1:<base64 key>"`, the
  first one active;
- on the embedded default, a **key file** `data_dir/encryption_keys` (mode 0600), made on first
  use and changed only by `supportgraph keys`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import importlib
import json
import logging
import os
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from supportgraph.settings import Settings

logger = logging.getLogger(__name__)
_WARNED: set[Path] = set()

PREFIX = "enc:v1:"
"""How every sealed value starts; values without it are legacy plain text."""

KEY_BYTES = 32
"""AES-256."""

NONCE_BYTES = 12


class KeyRingError(Exception):
    """A key is missing, malformed, or does not open a value."""


@dataclass(frozen=True)
class KeyRing:
    """Data keys by id; `active` seals new values, every key opens what it sealed."""

    keys: Mapping[str, bytes]
    active: str

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise KeyRingError(f"the active key {self.active!r} is not in the key ring")
        for kid, key in self.keys.items():
            _check_kid(kid)
            if len(key) != KEY_BYTES:
                raise KeyRingError(f"key {kid!r} is {len(key)} bytes; AES-256 needs {KEY_BYTES}")

    @classmethod
    def generate(cls, kid: str | None = None) -> KeyRing:
        """A ring of one fresh random key."""
        kid = kid or new_kid()
        return cls({kid: AESGCM.generate_key(bit_length=256)}, kid)

    def seal(self, plaintext: bytes, context: str) -> str:
        """Encrypt with the active key; `context` (e.g. `messages.content`) is bound in.

        A value sealed for one column therefore cannot be moved to another and opened there.
        """
        kid, blob = self.seal_bytes(plaintext, context)
        return f"{PREFIX}{kid}:{base64.b64encode(blob).decode()}"

    def open(self, value: str, context: str) -> bytes:
        """Decrypt a sealed value, with whichever of the ring's keys sealed it."""
        return self.open_bytes(*_split(value), context)

    def seal_bytes(self, plaintext: bytes, context: str) -> tuple[str, bytes]:
        """Encrypt with the active key; returns the key id and `nonce | ciphertext+tag`."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        key = self.keys[self.active]
        return self.active, nonce + AESGCM(key).encrypt(nonce, plaintext, context.encode())

    def open_bytes(self, kid: str, blob: bytes, context: str) -> bytes:
        """Decrypt what `seal_bytes` returned."""
        key = self.keys.get(kid)
        if key is None:
            raise KeyRingError(f"key {kid!r}, needed to read this value, is not in the key ring")
        try:
            return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
        except InvalidTag as error:
            raise KeyRingError(f"a value sealed with key {kid!r} failed authentication") from error

    def with_key(self, kid: str, key: bytes) -> KeyRing:
        """This ring plus a new key, which becomes the active one."""
        if kid in self.keys:
            raise KeyRingError(f"key {kid!r} already exists")
        return KeyRing({**self.keys, kid: key}, kid)

    def without(self, kid: str) -> KeyRing:
        """This ring less a retired key (never the active one)."""
        if kid == self.active:
            raise KeyRingError(f"key {kid!r} is active; make another key active before retiring it")
        if kid not in self.keys:
            raise KeyRingError(f"no key {kid!r} in the key ring")
        return KeyRing({k: v for k, v in self.keys.items() if k != kid}, self.active)


def is_sealed(value: str) -> bool:
    """Whether a stored text value is sealed (rather than legacy plain text)."""
    return value.startswith(PREFIX)


def key_id(value: str) -> str | None:
    """The id of the key that sealed a value, None for plain text."""
    return _split(value)[0] if is_sealed(value) else None


def new_kid() -> str:
    """A sortable, unique key id: `k` + UTC date and time + 4 random hex digits."""
    return f"k{datetime.now(UTC):%Y%m%d%H%M%S}{secrets.token_hex(2)}"


def _split(value: str) -> tuple[str, bytes]:
    kid, sep, payload = value[len(PREFIX) :].partition(":")
    if not value.startswith(PREFIX) or not sep:
        raise KeyRingError("not a sealed value")
    try:
        return kid, base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError) as error:
        raise KeyRingError(f"a value sealed with key {kid!r} is corrupt") from error


def _check_kid(kid: str) -> None:
    if not kid or not all(c.isalnum() or c in "-_." for c in kid) or len(kid) > 64:
        raise KeyRingError(f"key id {kid!r} must be 1-64 letters, digits, '-', '_' or '.'")


# Where the keys come from.


def load_keyring(settings: Settings) -> KeyRing:
    """The key ring these settings choose: provider, environment, else the key file.

    Raises:
        KeyRingError: when the configured keys are malformed or the provider fails.
    """
    if settings.key_provider:
        return _from_provider(settings)
    if settings.encryption_keys:
        return parse_keys(settings.encryption_keys)
    if settings.database_url and settings.encryption_keys_path not in _WARNED:
        _WARNED.add(settings.encryption_keys_path)
        logger.warning(
            "keys sealing data at rest come from %s: every process sharing this database "
            "needs the same keys, so set SUPPORTGRAPH_ENCRYPTION_KEYS or "
            "SUPPORTGRAPH_KEY_PROVIDER on all of them",
            settings.encryption_keys_path,
        )
    return KeyFile(settings.encryption_keys_path).load_or_create()


def parse_keys(spec: str) -> KeyRing:
    """Parse `kid:base64key,kid:base64key`; the first key is the active one."""
    keys: dict[str, bytes] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        kid, sep, encoded = item.partition(":")
        if not sep:
            raise KeyRingError("SUPPORTGRAPH_ENCRYPTION_KEYS entries are `kid:base64key`")
        try:
            keys[kid.strip()] = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise KeyRingError(f"key {kid.strip()!r} is not valid base64") from error
    if not keys:
        raise KeyRingError("SUPPORTGRAPH_ENCRYPTION_KEYS holds no key")
    return KeyRing(keys, next(iter(keys)))


def format_key(kid: str, key: bytes) -> str:
    """One `kid:base64key` entry for SUPPORTGRAPH_ENCRYPTION_KEYS."""
    return f"{kid}:{base64.b64encode(key).decode()}"


def _from_provider(settings: Settings) -> KeyRing:
    module_name, _, attr = settings.key_provider.partition(":")
    try:
        provider: Callable[[Settings], Any] = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError) as error:
        raise KeyRingError(
            f"SUPPORTGRAPH_KEY_PROVIDER={settings.key_provider!r} is not an importable "
            "`package.module:function`"
        ) from error
    ring = provider(settings)
    if not isinstance(ring, KeyRing):
        raise KeyRingError(f"the key provider returned {type(ring).__name__}, not a KeyRing")
    return ring


class KeyFile:
    """The embedded default's keys: a JSON file, mode 0600, replaced atomically."""

    def __init__(self, path: Path) -> None:
        """Keep the keys at this path."""
        self.path = path

    def load(self) -> KeyRing | None:
        """The ring in the file, None when there is no file yet."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise KeyRingError(f"{self.path} is not a readable key file: {error}") from error
        try:
            keys = {kid: base64.b64decode(key, validate=True) for kid, key in data["keys"].items()}
            return KeyRing(keys, data["active"])
        except (KeyError, TypeError, AttributeError, binascii.Error, ValueError) as error:
            raise KeyRingError(f"{self.path} is not a valid key file") from error

    def load_or_create(self) -> KeyRing:
        """The ring in the file, made with one new key on first use (by one process only)."""
        ring = self.load()
        if ring is not None:
            return ring
        write_private_file(self.path, _dump(KeyRing.generate()), replace=False)
        ring = self.load()
        if ring is None:
            raise KeyRingError(f"{self.path} could not be created")
        return ring

    def save(self, ring: KeyRing) -> None:
        """Replace the file with this ring."""
        write_private_file(self.path, _dump(ring), replace=True)


def _dump(ring: KeyRing) -> str:
    keys = {kid: base64.b64encode(key).decode() for kid, key in ring.keys.items()}
    return json.dumps({"active": ring.active, "keys": keys}, indent=2) + "\n"


def write_private_file(path: Path, text: str, *, replace: bool) -> None:
    """Write a secret file atomically with mode 0600.

    Args:
        path: where it goes; its directory is created.
        text: the content.
        replace: replace an existing file; otherwise an existing file (another process's,
            made first) wins and is left as it is.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # no-clobber publish
        except FileExistsError:
            pass
        except OSError:
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
