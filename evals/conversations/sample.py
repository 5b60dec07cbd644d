"""A fixed, stratified sample of the conversations: every flow, single and multi-action."""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

SAMPLE_SEED = 7
SAMPLE_SIZE = 50
"""Task conversations aimed for; every refusal conversation is added on top."""
MIN_PER_STRATUM = 3
"""Small strata (e.g. payment changes) still get enough conversations to show a failure."""


def stratum(example: dict[str, Any]) -> str:
    """The group an example is sampled from: its first flow, and whether it has several."""
    flows = example["metadata"]["flows"]
    several = len(example["outputs"]["actions"]) > 1
    return f"{flows[0]}{'+more' if several else ''}"


def stratified_sample(
    examples: list[dict[str, Any]], size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED
) -> list[dict[str, Any]]:
    """Pick about `size` task conversations in proportion to their strata, plus all refusals.

    Every stratum gets at least `MIN_PER_STRATUM` conversations (or all it has), so no
    flow goes untested. The choice
    depends only on the examples' ids and the seed.

    Args:
        examples: The dataset.
        size: How many task conversations to aim for.
        seed: The sampling seed.
    """
    refusals = [e for e in examples if e["metadata"]["split"] == "refusal"]
    tasks = [e for e in examples if e["metadata"]["split"] != "refusal"]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for example in sorted(tasks, key=lambda e: e["inputs"]["task_id"]):
        groups[stratum(example)].append(example)
    rng = random.Random(seed)
    chosen = []
    for key in sorted(groups):
        group = groups[key]
        share = max(MIN_PER_STRATUM, round(size * len(group) / len(tasks)))
        chosen += rng.sample(group, min(share, len(group)))
    return sorted(chosen, key=lambda e: e["inputs"]["task_id"]) + refusals
