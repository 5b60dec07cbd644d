"""The blind split: train tasks kept out of development and scored once.

The split is chosen by hash, not by reading the tasks: every train task's id is hashed with a
fixed salt and the lowest `SIZE` hashes are blind. Development tools (`diagnose`, the
instruction-voiced suite's default set) leave them out, and the blind suite's report gives only
totals, never a transcript, so no failure of a blind task can be read while the responder is
being changed. `evals/README.md` says how the split was kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

SALT = "supportgraph-blind-split-2026-12-01"
SIZE = 120
"""Train tasks set aside; a few have no conversation (see `build`), so at least 100 remain."""


def _key(task_id: str) -> str:
    return hashlib.sha256(f"{SALT}:{task_id}".encode()).hexdigest()


def blind_ids(task_ids: Iterable[str]) -> frozenset[str]:
    """The blind train task ids among `task_ids`: the `SIZE` with the lowest salted hash."""
    train = sorted((t for t in task_ids if t.startswith("train-")), key=_key)
    return frozenset(train[:SIZE])
