"""Key canaries: a process refuses to start with keys that can't open its database.

Each key that seals data in a database leaves one canary there, a known value sealed with it.
At start-up a process opens every canary with its key ring: a key it lacks, or other key
material under the same id (two replicas each with their own key file, say), stops it with a
clear error, before any customer's row fails to open.
"""

from __future__ import annotations

from sqlalchemy import Engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from supportgraph.api.tables import EncryptionCanary, utcnow
from supportgraph.encryption.columns import keyring_of
from supportgraph.encryption.keyring import KeyRing, KeyRingError

KNOWN = b"supportgraph key canary"
CONTEXT = "encryption_canaries.sealed"
_TABLE = EncryptionCanary.__table__  # type: ignore[attr-defined]


def verify_keys(engine: Engine) -> None:
    """Check the engine's key ring against the database's canaries; add the active key's.

    Raises:
        KeyRingError: a canary's key is missing from the ring, or opens with other material.
    """
    ring = keyring_of(engine.dialect)
    if ring is None or not inspect(engine).has_table(_TABLE.name):
        return
    for _ in range(2):  # a second pass when another process recorded the same key first
        with engine.connect() as connection:
            rows = connection.execute(select(_TABLE.c.kid, _TABLE.c.sealed)).all()
        _check(ring, {kid: sealed for kid, sealed in rows})  # noqa: C416 - rows, not pairs
        if any(kid == ring.active for kid, _ in rows):
            return
        try:
            with engine.begin() as connection:
                connection.execute(
                    insert(_TABLE).values(
                        kid=ring.active, sealed=ring.seal(KNOWN, CONTEXT), created_at=utcnow()
                    )
                )
            return
        except IntegrityError:
            continue


def forget_key(engine: Engine, kid: str) -> None:
    """Remove a retired key's canary."""
    with engine.begin() as connection:
        connection.execute(_TABLE.delete().where(_TABLE.c.kid == kid))


def _check(ring: KeyRing, canaries: dict[str, str]) -> None:
    missing = sorted(kid for kid in canaries if kid not in ring.keys)
    wrong = sorted(
        kid for kid, sealed in canaries.items() if kid in ring.keys and not _opens(ring, sealed)
    )
    if not (missing or wrong):
        return
    problems = []
    if missing:
        problems.append(f"lacks key(s) {', '.join(missing)}")
    if wrong:
        problems.append(f"holds other key material under id(s) {', '.join(wrong)}")
    raise KeyRingError(
        f"this database was sealed with keys this process can't use: its key ring "
        f"{' and '.join(problems)}. Every process sharing a database needs the same keys: set "
        "SUPPORTGRAPH_ENCRYPTION_KEYS (or SUPPORTGRAPH_KEY_PROVIDER) to the same value on all"
    )


def _opens(ring: KeyRing, sealed: str) -> bool:
    try:
        return ring.open(sealed, CONTEXT) == KNOWN
    except KeyRingError:
        return False
