"""`supportgraph keys`: see which keys hold what, add a key, rotate, retire an old key."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from supportgraph.encryption.keyring import (
    KeyFile,
    KeyRing,
    KeyRingError,
    format_key,
    load_keyring,
    new_kid,
)
from supportgraph.settings import Settings


def add_keys_parser(commands: Any) -> None:
    """The `keys` sub-command and its actions."""
    keys = commands.add_parser(
        "keys",
        help="encryption keys: status, new, rotate, retire",
        description="The AES-256-GCM keys sealing conversations, feedback, events and "
        "checkpoints at rest. `new` adds a key and makes it active; `rotate` re-seals every "
        "value under the active key (in batches; safe to stop and run again); `retire` "
        "removes a key once nothing needs it.",
    )
    actions = keys.add_subparsers(dest="action", required=True)
    actions.add_parser("status", help="the keys, and how many values each one seals")
    actions.add_parser("new", help="add a key and make it the active one")
    rotate = actions.add_parser("rotate", help="re-seal every value under the active key")
    rotate.add_argument("--batch-size", type=int, default=500, help="rows per commit (500)")
    retire = actions.add_parser("retire", help="remove a key that no value needs any more")
    retire.add_argument("kid", help="the key id")


def keys_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `supportgraph keys` action; exit code 2 on a key error."""
    try:
        ring = load_keyring(settings)
        if args.action == "new":
            return _new(settings, ring)
        if args.action == "status":
            return _status(settings, ring)
        if args.action == "rotate":
            if args.batch_size < 1:
                return _fail("--batch-size must be at least 1")
            return _rotate(settings, ring, args.batch_size)
        return _retire(settings, ring, args.kid)
    except KeyRingError as error:
        return _fail(str(error))


def _source(settings: Settings) -> str:
    if settings.key_provider:
        return f"provider {settings.key_provider}"
    if settings.encryption_keys:
        return "SUPPORTGRAPH_ENCRYPTION_KEYS"
    return str(settings.encryption_keys_path)


def _new(settings: Settings, ring: KeyRing) -> int:
    kid = new_kid()
    fresh = KeyRing.generate(kid)
    if settings.key_provider:
        return _fail("the key provider manages the keys: add the key in your KMS")
    if settings.encryption_keys:
        entry = format_key(kid, fresh.keys[kid])
        print(  # noqa: T201
            "Put this entry FIRST in SUPPORTGRAPH_ENCRYPTION_KEYS on every process, restart "
            f"them, then run `supportgraph keys rotate`:\n{entry}"
        )
        return 0
    KeyFile(settings.encryption_keys_path).save(ring.with_key(kid, fresh.keys[kid]))
    print(f"new active key {kid} in {settings.encryption_keys_path}")  # noqa: T201
    print("restart running servers, then run `supportgraph keys rotate`")  # noqa: T201
    return 0


def _engine(settings: Settings, ring: KeyRing) -> Any:
    from supportgraph.api.db import platform_engine, upgrade
    from supportgraph.encryption.canary import verify_keys

    upgrade(settings.store_url)
    engine = platform_engine(settings.store_url, keyring=ring)
    verify_keys(engine)  # never rotate with keys that can't open what is there
    return engine


def _status(settings: Settings, ring: KeyRing) -> int:
    from supportgraph.encryption.rotate import usage

    engine = _engine(settings, ring)
    try:
        places = usage(engine, settings, ring)
    finally:
        engine.dispose()
    print(f"keys from {_source(settings)}; active: {ring.active}")  # noqa: T201
    names = [*ring.keys, *sorted({k for c in places.values() for k in c} - set(ring.keys))]
    width = max(len(place) for place in places) if places else 10
    print(f"{'':<{width}}  " + "  ".join(f"{n:>18}" for n in names))  # noqa: T201
    for place, counts in places.items():
        cells = "  ".join(f"{counts.get(n, 0):>18}" for n in names)
        print(f"{place:<{width}}  {cells}")  # noqa: T201
    return 0


def _rotate(settings: Settings, ring: KeyRing, batch_size: int) -> int:
    from supportgraph.encryption.rotate import (
        rotate_blind_index,
        rotate_checkpoints,
        rotate_columns,
    )

    def progress(place: str, count: int) -> None:
        print(f"  {place}: {count} re-sealed", file=sys.stderr)  # noqa: T201

    engine = _engine(settings, ring)
    try:
        columns = rotate_columns(engine, ring, batch_size=batch_size, progress=progress)
        index = rotate_blind_index(engine, ring, batch_size=batch_size, progress=progress)
    finally:
        engine.dispose()
    checkpoints = rotate_checkpoints(settings, ring, batch_size=batch_size, progress=progress)
    total = columns.total + index.total + checkpoints.total
    print(f"re-sealed {total} values under {ring.active}")  # noqa: T201
    for place, count in {**columns.resealed, **index.resealed, **checkpoints.resealed}.items():
        print(f"  {place}: {count}")  # noqa: T201
    return 0


def _retire(settings: Settings, ring: KeyRing, kid: str) -> int:
    from supportgraph.encryption.canary import forget_key
    from supportgraph.encryption.rotate import usage, users_of

    smaller = ring.without(kid)  # refuses the active key and unknown ids
    engine = _engine(settings, ring)
    try:
        still = dict(users_of(kid, usage(engine, settings, ring)))
        if still:
            where = ", ".join(f"{place} ({count})" for place, count in still.items())
            return _fail(f"key {kid} still seals values in {where}: run `supportgraph keys rotate`")
        forget_key(engine, kid)
    finally:
        engine.dispose()
    if settings.key_provider or settings.encryption_keys:
        print(f"no value needs key {kid}: remove it from {_source(settings)}")  # noqa: T201
        return 0
    KeyFile(settings.encryption_keys_path).save(smaller)
    print(f"retired key {kid}")  # noqa: T201
    return 0


def _fail(message: str) -> int:
    print(f"supportgraph keys: {message}", file=sys.stderr)  # noqa: T201
    return 2
