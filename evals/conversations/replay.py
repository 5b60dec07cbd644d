"""Fresh stores and gold-action replay, scored the way τ-bench scores a task: by the data hash."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from supportgraph.commerce.port import ToolError
from supportgraph.commerce.retail import run_tool
from supportgraph.commerce.store import Store

SKIPPED_TOOLS = frozenset({"transfer_to_human_agents"})
"""Upstream leaves the handoff out of the replay: it ends the episode and changes nothing."""


def seed_template(path: Path | str) -> Path:
    """Seed a SQLite store file from the shipped data, once, to be copied per conversation.

    Args:
        path: Where the template file lives; an existing seeded file is reused.
    """
    path = Path(path)
    store = Store(f"sqlite:///{path.resolve()}", keyring=None)
    store.seed_if_empty()
    store.dispose()
    return path


def fresh_store(template: Path | str, directory: Path | str) -> Store:
    """A private copy of the seeded template: copying a file is far cheaper than seeding.

    Args:
        template: A seeded store file from `seed_template`.
        directory: An existing folder for the copy.
    """
    target = Path(tempfile.mkstemp(suffix=".db", dir=directory)[1])
    shutil.copy(template, target)
    return Store(f"sqlite:///{target.resolve()}", keyring=None)


def discard_store(store: Store) -> None:
    """Close a store made by `fresh_store` and delete its file."""
    store.dispose()
    database = store.engine.url.database
    if database:
        Path(database).unlink(missing_ok=True)


def replay(store: Store, actions: Iterable[dict[str, Any]]) -> list[str]:
    """Run the actions on the store in order, as upstream's evaluator does.

    A refused action leaves the store as it was, exactly as upstream, where a tool error
    becomes the observation and the data stays untouched.

    Returns:
        The refusals, one `"<tool>: <error>"` string per refused action.
    """
    refusals = []
    for action in actions:
        if action["name"] in SKIPPED_TOOLS:
            continue
        try:
            run_tool(store, action["name"], action["kwargs"])
        except ToolError as error:
            refusals.append(f"{action['name']}: {error}")
    return refusals


def replay_hash(
    template: Path | str, actions: Iterable[dict[str, Any]], directory: Path | str
) -> tuple[str, list[str]]:
    """The state hash after replaying the actions on a fresh store, and the refusals met.

    Args:
        template: A seeded store file.
        actions: `{"name", "kwargs"}` tool calls.
        directory: A scratch folder for the store copy.
    """
    store = fresh_store(template, directory)
    try:
        refusals = replay(store, actions)
        return store.state_hash(), refusals
    finally:
        discard_store(store)
