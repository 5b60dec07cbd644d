"""Sealed column types: values are encrypted on the way into the database, opened on the way out.

The key ring is the engine's: `bind_keyring(engine, ring)` (done by `platform_engine`) puts it
on the engine's dialect, where these types find it, so two engines may use two rings. A value
without the sealed prefix was written before encryption and is read as it is. A blank value
(empty, or only whitespace) is stored as the empty string: it says nothing, and SQL can still
test for it (`comment != ''`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import Engine, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from supportgraph.encryption.keyring import KeyRing, KeyRingError, is_sealed

_ATTR = "supportgraph_keyring"


class _InTheClear:
    """Bound instead of a key ring where data is public on purpose (evaluation sandboxes)."""


IN_THE_CLEAR = _InTheClear()


def bind_keyring(engine: Engine, ring: KeyRing | None) -> Engine:
    """Make the sealed columns of this engine's tables use this key ring.

    Args:
        engine: the engine.
        ring: the keys; None keeps the columns in the clear, for databases holding only
            public reference data (an evaluation's copy of the shipped store).
    """
    setattr(engine.dialect, _ATTR, IN_THE_CLEAR if ring is None else ring)
    return engine


def keyring_of(dialect: Dialect) -> KeyRing | None:
    """The key ring bound to a dialect; None when it was bound in the clear."""
    ring = getattr(dialect, _ATTR, None)
    if ring is None:
        raise KeyRingError("this engine has no key ring: bind one with bind_keyring(engine, ring)")
    return None if ring is IN_THE_CLEAR else ring


class BlindIndex:
    """Keyed digests of values, for equality lookups on sealed columns (an email, a name).

    A digest reads `<key id>:<hex>` and is made with a subkey of that key, so rotation can
    re-derive it; lookups try every key of the ring, and the value itself for rows written
    before encryption (or every row, in the clear).
    """

    def __init__(self, ring: KeyRing | None) -> None:
        """Digest with this ring's keys; None keeps the value as its own key."""
        self.ring = ring
        self._subkeys = {
            kid: hmac.new(key, b"supportgraph blind index v1", hashlib.sha256).digest()
            for kid, key in (ring.keys.items() if ring else ())
        }

    def key(self, value: str) -> str:
        """The digest to store for a value."""
        if self.ring is None:
            return value
        return self._digest(self.ring.active, value)

    def candidates(self, value: str) -> list[str]:
        """Every stored form the value may have: under each key, and in the clear."""
        return [*(self._digest(kid, value) for kid in self._subkeys), value]

    def _digest(self, kid: str, value: str) -> str:
        digest = hmac.new(self._subkeys[kid], value.encode(), hashlib.sha256).hexdigest()
        return f"{kid}:{digest}"


class _Sealed(TypeDecorator[Any]):
    """Text encrypted at rest with AES-256-GCM, bound to its column's name."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        """Seal values for this column (`table.column`); a value moved elsewhere won't open."""
        super().__init__()
        self.context = context

    def _seal(self, text: str, dialect: Dialect) -> str:
        ring = keyring_of(dialect)
        return text if ring is None else ring.seal(text.encode(), self.context)

    def _open(self, stored: str, dialect: Dialect) -> str:
        return _opener(dialect).open(stored, self.context).decode() if is_sealed(stored) else stored


class SealedText(_Sealed):
    """A string sealed at rest; a blank one is stored as the empty string."""

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Seal a value on its way into the database."""
        if value is None:
            return None
        if not str(value).strip():
            return ""
        return self._seal(str(value), dialect)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        """Open a value read from the database."""
        return None if value is None else self._open(value, dialect)


class SealedJSON(_Sealed):
    """A JSON document sealed at rest; plain JSON written before encryption still reads."""

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Serialize and seal a document on its way into the database."""
        if value is None:
            return None
        return self._seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")), dialect)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        """Open and parse a document read from the database."""
        if value is None:
            return None
        if not isinstance(value, str):  # a JSON column the driver already decoded
            return value
        return json.loads(self._open(value, dialect))


def _opener(dialect: Dialect) -> KeyRing:
    ring = keyring_of(dialect)
    if ring is None:
        raise KeyRingError("a sealed value in a database bound in the clear: bind its key ring")
    return ring
