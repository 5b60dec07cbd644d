"""Build `evals/datasets/conversations.jsonl` from the τ-bench train and dev tasks.

Run: `python -P -m supportgraph.evals.conversations.build [--workers 2] [--out PATH]`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from supportgraph.evals.conversations import DATASET_PATH
from supportgraph.evals.conversations.refusals import refusals
from supportgraph.evals.conversations.replay import replay_hash, seed_template
from supportgraph.evals.conversations.requests import Unexpressible
from supportgraph.evals.conversations.script import SEED, task_script
from supportgraph.evals.conversations.tasks import Records, Task, load_tasks


def build(seed: int = SEED, workers: int = 2) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Every expressible task as a conversation example, then the refusal conversations.

    Args:
        seed: Mixed into each conversation's wording.
        workers: Processes hashing replayed stores (about half a second per hash).

    Returns:
        The examples, and the skipped task ids with the reason each was skipped.
    """
    records, tasks = Records(), load_tasks()
    scripts, skipped = {}, {}
    for task in tasks:
        try:
            scripts[task.task_id] = task_script(task, records, seed)
        except Unexpressible as error:
            skipped[task.task_id] = str(error)
    kept = [t for t in tasks if t.task_id in scripts]
    # Where the words ask for less than gold (a no-op swap left out), both must end the same.
    jobs = {t.task_id: t.actions for t in kept}
    for task in kept:
        asked = [r.action for r in scripts[task.task_id][1]]
        if asked != task.actions:
            jobs[f"{task.task_id}/asked"] = asked
    jobs["untouched"] = []
    with tempfile.TemporaryDirectory() as scratch:
        template = seed_template(Path(scratch) / "template.db")
        run = partial(replay_hash, template, directory=scratch)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            hashes = dict(zip(jobs, pool.map(run, jobs.values()), strict=True))
    examples = []
    for task in kept:
        gold_hash, refused = hashes[task.task_id]
        asked_hash = hashes.get(f"{task.task_id}/asked")
        if asked_hash is not None and asked_hash[0] != gold_hash:
            skipped[task.task_id] = "a no-op item swap left out of the words changes the result"
            continue
        examples.append(_example(task, scripts[task.task_id][0], gold_hash, refused))
    untouched = hashes["untouched"][0]
    for refusal in refusals([t for t in kept if t.task_id not in skipped], records, seed):
        examples.append(
            {
                "inputs": {
                    "turns": refusal.turns,
                    "task_id": refusal.task_id,
                    "user_id": refusal.user_id,
                },
                "outputs": {"store_hash": untouched, "actions": [], "must_say": []},
                "metadata": {
                    "split": "refusal",
                    "flows": ["refusal"],
                    "refusal": refusal.kind,
                    "persona": refusal.persona,
                    "withheld_action": refusal.withheld,
                },
            }
        )
    return examples, skipped


def _example(task: Task, turns: list[str], store_hash: str, refused: list[str]) -> dict[str, Any]:
    return {
        "inputs": {"turns": turns, "task_id": task.task_id, "user_id": task.user_id},
        "outputs": {"store_hash": store_hash, "actions": task.actions, "must_say": task.outputs},
        "metadata": {
            "split": task.split,
            "flows": task.flows,
            "persona": task.persona,
            "identity": task.identity,
            "gold_refusals": refused,
        },
    }


def write(examples: list[dict[str, Any]], path: Path | str = DATASET_PATH) -> Path:
    """Write the examples as JSONL, one per line, in a stable order."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(example, ensure_ascii=False) for example in examples]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    """Build, write, and print what was kept and why the rest was skipped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DATASET_PATH))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    examples, skipped = build(args.seed, args.workers)
    path = write(examples, args.out)
    flows = Counter(f for e in examples for f in e["metadata"]["flows"])
    splits = Counter(e["metadata"]["split"] for e in examples)
    print(f"wrote {len(examples)} conversations to {path}: {dict(splits)}")
    print("by flow:", dict(flows))
    print(f"skipped {len(skipped)} tasks:")
    for reason, count in Counter(skipped.values()).most_common():
        print(f"  {count:3d}  {reason}")
    for task_id, reason in skipped.items():
        print(f"    {task_id}: {reason}")


if __name__ == "__main__":
    main()
