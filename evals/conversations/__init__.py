"""Scripted multi-turn customer conversations built from τ-bench tasks, and their runner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["DATASET_PATH", "load_examples"]

DATASET_PATH = Path(__file__).resolve().parent.parent / "datasets" / "conversations.jsonl"
"""Where `build` writes the dataset, one LangSmith example per line."""


def load_examples(path: Path | str = DATASET_PATH) -> list[dict[str, Any]]:
    """Read the conversation examples written by `build`.

    Args:
        path: A JSONL file of `{"inputs", "outputs", "metadata"}` examples.
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
