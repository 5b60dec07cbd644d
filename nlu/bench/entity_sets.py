"""The τ-bench entity set: customer sentences written from the retail train tasks, with gold.

Every train task's instruction is a persona line ("Your name is … and your zip code is …")
followed by clauses such as "Cancel order #W… because …" or "For #W…, modify Grill {…} to
{…}; via paypal_…". Each becomes a customer sentence, worded with seeded choices, and its gold
entities come from the task's records: the user's name, zip and email in `users.json`, the order
ids (kept only when a gold action names them), payment method ids, option values and reasons.
A value is labelled only when the sentence says it; the builder checks this and fails otherwise.
The zip inside a shipping address is not labelled as `zip`, which is the customer's own.

`python -P -m supportgraph.nlu.bench.entity_sets` rewrites the committed file. Only
`tasks_train.json` is read.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

from supportgraph.nlu.bench.entity_phrasing import CLAUSE_START, CLAUSES, identify
from supportgraph.nlu.tau_tasks import PERSONA
from supportgraph.nlu.vocab import RETAIL_DIR
from supportgraph.settings import PACKAGE_DIR

TAU_ENTITY_FILE = PACKAGE_DIR / "evals" / "datasets" / "entities_tau_train.jsonl"
TASKS_FILE = "tasks_train.json"
SEED = 0
PER_KIND = 40
LOWER_CASE_SHARE = 0.15
"""Share of sentences typed all in lower case, as hurried customers do."""


def _said(key: str, value: str, text: str) -> bool:
    """Whether a gold value is written in the text (a reason is a label, not a quote)."""
    if key == "reason":
        return True
    if key == "order_ids":
        return re.search(rf"(?<!\d){value[2:]}(?!\d)", text) is not None
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.I) is not None


def _row(text: str, gold: dict[str, Any], meta: dict[str, Any], rng: random.Random) -> dict:
    if rng.random() < LOWER_CASE_SHARE:
        text = text.lower()
    for key, value in gold.items():
        for v in value if isinstance(value, list) else [value]:
            if not _said(key, v, text):
                raise ValueError(f"{meta['task_id']}: {key}={v!r} is not in {text!r}")
    return {"inputs": {"text": text}, "outputs": {"entities": gold}, "metadata": meta}


def _requests(task: dict[str, Any], rest: str, rng: random.Random) -> list[tuple[str, str, dict]]:
    """(kind, text, gold) for each clause whose order a gold action names."""
    acted = {a["kwargs"].get("order_id") for a in task["actions"]}
    out = []
    for clause in filter(None, (c.strip() for c in CLAUSE_START.split(rest))):
        for kind, rx, write in CLAUSES:
            m = rx.match(clause)
            if not m or m.group(1) not in acted:
                continue
            if written := write(m, rng):
                out.append((m.group(2) if kind == "swap" else kind, *written))
    return out


def task_rows(index: int, task: dict[str, Any], user: dict[str, Any], seed: int) -> list[dict]:
    """Candidate rows of one task: its introduction, each request, and both in one message.

    Args:
        index: The task's position in the train file, as in 'train-12'.
        task: The task record.
        user: The task's user record.
        seed: Seed of the wording.
    """
    persona = PERSONA.match(task["instruction"])
    if not persona:
        return []
    rng = random.Random(f"{seed}:{index}")
    meta = {"task_id": f"train-{index}", "user_id": task["user_id"]}
    intro, who = identify(user, persona.group(2), rng)
    kind = "identify_zip" if persona.group(2) == "zip code" else "identify_email"
    rows = [_row(intro, who, meta | {"kind": kind}, rng)]
    requests = _requests(task, task["instruction"][persona.end() :], rng)
    rows += [_row(text, gold, meta | {"kind": k}, rng) for k, text, gold in requests]
    if requests:
        _, text, gold = requests[0]
        both = f"{intro.rstrip('.')}. {text}"
        rows.append(_row(both, who | gold, meta | {"kind": "intro_request"}, rng))
    return rows


def build_rows(retail_dir: Path = RETAIL_DIR, per_kind: int = PER_KIND, seed: int = SEED) -> list:
    """A seeded sample of `per_kind` rows of every kind, in task order within each kind.

    Args:
        retail_dir: Folder holding `tasks_train.json` and `users.json`.
        per_kind: Rows kept per kind (identification, cancel, return, exchange, ...).
        seed: Seed of the wording and of the sample.
    """
    tasks = json.loads((retail_dir / TASKS_FILE).read_text(encoding="utf-8"))
    users = json.loads((retail_dir / "users.json").read_text(encoding="utf-8"))
    by_kind: dict[str, list[dict]] = {}
    for index, task in enumerate(tasks):
        for row in task_rows(index, task, users[task["user_id"]], seed):
            by_kind.setdefault(row["metadata"]["kind"], []).append(row)
    sampler = random.Random(seed)
    out = []
    for kind in sorted(by_kind):
        rows = by_kind[kind]
        keep = sorted(sampler.sample(range(len(rows)), min(per_kind, len(rows))))
        out += [rows[i] for i in keep]
    return out


def write_rows(rows: list[dict], path: Path = TAU_ENTITY_FILE) -> Path:
    """Write rows as JSON lines and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    written = write_rows(build_rows())
    print(f"{sum(1 for _ in written.open(encoding='utf-8'))} rows written to {written}")  # noqa: T201
