"""Build the retrieval datasets `evals/datasets/retrieval_{store,banking,dstc9}.jsonl`.

`store` queries are written by hand in the dataset itself; building checks their gold ids and
that every document is asked about. `banking` and `dstc9` are made from the public corpora in
the shared datasets folder (`SUPPORTGRAPH_DATASETS_DIR`), which are copied into
`evals/datasets/corpora/` so the suites run without it.

Run: `python -P -m supportgraph.evals.retrieval.build [--corpus store banking dstc9]`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from supportgraph.evals.retrieval import (
    BANKING_DOCUMENTS,
    CORPORA,
    CORPORA_DIR,
    DSTC9_FAQ,
    corpus_documents,
    dataset_path,
    dstc9_document_id,
    dstc9_subject,
    read_records,
)
from supportgraph.evals.suite import read_jsonl
from supportgraph.settings import PACKAGE_DIR

SEED = 20261121
"""Seeds the choice of DSTC9 questions that were given hand-written paraphrases."""
BANKING_SOURCE = Path("tau2-bench") / "banking_knowledge"
DSTC9_SOURCE = Path("dstc9-track1-knowledge")
DSTC9_PARAPHRASES = CORPORA_DIR / "dstc9" / "paraphrases.jsonl"
SPLIT_FILE = "split_tasks.json"
ALLOWED_SPLITS = ("train", "dev", "val")
"""Task splits a dataset may be built from; a test split is never read."""


def datasets_dir() -> Path:
    """The shared datasets folder: `SUPPORTGRAPH_DATASETS_DIR`, else beside the repository."""
    override = os.environ.get("SUPPORTGRAPH_DATASETS_DIR", "").strip()
    return Path(override) if override else PACKAGE_DIR.parent / "shared" / "datasets"


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write rows as JSON lines, returning how many were written.

    Args:
        path: Target file; its folder is created.
        rows: JSON-ready dicts.
    """
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def check_gold(rows: Sequence[dict[str, Any]], ids: set[str]) -> None:
    """Fail unless every example has gold ids and each names an indexed document.

    Args:
        rows: LangSmith examples with `outputs.doc_ids`.
        ids: The corpus's document ids.

    Raises:
        ValueError: On an example without gold ids or with an unknown one.
    """
    for row in rows:
        gold = row["outputs"].get("doc_ids") or []
        unknown = [doc_id for doc_id in gold if doc_id not in ids]
        if not gold or unknown:
            raise ValueError(f"{row['inputs']['query'][:60]!r}: bad gold ids {unknown or gold}")


def _query_id(prefix: str, query: str) -> str:
    return f"{prefix}-{hashlib.sha1(query.encode()).hexdigest()[:10]}"


def build_store(path: Path | None = None) -> list[dict[str, Any]]:
    """Check and normalise the hand-written store queries.

    Args:
        path: The store dataset; by default `retrieval_store.jsonl`.

    Raises:
        ValueError: On a repeated query, an unknown gold id, or a document no query asks about.
    """
    rows = read_jsonl(path or dataset_path("store"))
    ids = {d.id for d in corpus_documents("store")}
    check_gold(rows, ids)
    queries = [row["inputs"]["query"] for row in rows]
    if len(set(queries)) != len(queries):
        raise ValueError("the store dataset repeats a query")
    uncovered = ids - {doc_id for row in rows for doc_id in row["outputs"]["doc_ids"]}
    if uncovered:
        raise ValueError(f"no store query asks about {sorted(uncovered)}")
    for row in rows:
        meta = row["metadata"]
        meta.update(source=meta.get("source", "store"), corpus="store")
        meta.setdefault("paraphrase", False)
        meta.setdefault("typo", False)
    return [{**row, "id": _query_id("store", row["inputs"]["query"])} for row in rows]


def task_splits(folder: Path) -> dict[str, str]:
    """Task id -> split for the tasks a dataset may use; never a test split.

    Without a split file every task is usable and its split is `none`.

    Args:
        folder: A τ²-bench domain folder.
    """
    split_file = folder / SPLIT_FILE
    tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
    if not split_file.exists():
        return {str(task["id"]): "none" for task in tasks}
    splits = json.loads(split_file.read_text(encoding="utf-8"))
    return {str(i): name for name in ALLOWED_SPLITS for i in splits.get(name, [])}


def _scenario_text(scenario: dict[str, Any]) -> str:
    instructions = scenario.get("instructions")
    if isinstance(instructions, dict):
        return "\n".join(str(v) for v in instructions.values() if v).strip()
    return str(instructions or "").strip()


def build_banking(folder: Path) -> list[dict[str, Any]]:
    """One example per usable banking task: its scenario text asks for its required documents.

    Args:
        folder: The τ²-bench `banking_knowledge` folder.
    """
    splits = task_splits(folder)
    tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
    rows = []
    for task in tasks:
        task_id = str(task["id"])
        if task_id not in splits or not task.get("required_documents"):
            continue
        gold = list(dict.fromkeys(task["required_documents"]))
        rows.append(
            {
                "id": f"banking-{task_id}",
                "inputs": {"query": _scenario_text(task["user_scenario"])},
                "outputs": {"doc_ids": gold},
                "metadata": {
                    "source": "tau2-banking",
                    "corpus": "banking",
                    "task_id": task_id,
                    "split": splits[task_id],
                    "gold_count": len(gold),
                },
            }
        )
    return rows


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def dstc9_query(row: dict[str, Any]) -> tuple[str, bool]:
    """The question, prefixed with its subject when it does not name it.

    In DSTC9 the dialogue says which hotel or restaurant is meant; a lone query must.

    Args:
        row: A line of the flattened DSTC9 FAQ.

    Returns:
        The query, and whether the subject was added.
    """
    question = row["question"].strip()
    name = row.get("entity_name") or ""
    if name and _compact(name) in _compact(question):
        return question, False
    return f"{dstc9_subject(row)}: {question}", True


def paraphrase_sample(faq: Sequence[dict[str, Any]], n: int = 60, seed: int = SEED) -> list[str]:
    """The document ids whose questions were chosen for hand-written paraphrases.

    Args:
        faq: The flattened DSTC9 FAQ.
        n: How many to choose.
        seed: Random seed.
    """
    ids = sorted(dstc9_document_id(row) for row in faq)
    return sorted(random.Random(seed).sample(ids, n))


def _dstc9_example(doc_id: str, query: str, **metadata: Any) -> dict[str, Any]:
    kind = "paraphrase" if metadata.get("paraphrase") else "question"
    return {
        "id": f"{doc_id}/{kind}",
        "inputs": {"query": query},
        "outputs": {"doc_ids": [doc_id]},
        "metadata": {"source": "dstc9", "corpus": "dstc9", **metadata},
    }


def build_dstc9(faq_path: Path, paraphrases: Path = DSTC9_PARAPHRASES) -> list[dict[str, Any]]:
    """Every DSTC9 question asks for its own answer, then the written paraphrases.

    Args:
        faq_path: The flattened DSTC9 FAQ (`faq.jsonl`).
        paraphrases: Hand-written `{"doc_id", "query"}` lines.
    """
    rows = []
    for faq in read_records(faq_path):
        query, added = dstc9_query(faq)
        rows.append(
            _dstc9_example(
                dstc9_document_id(faq),
                query,
                domain=faq["domain"],
                paraphrase=False,
                subject_added=added,
            )
        )
    for line in read_records(paraphrases) if paraphrases.exists() else []:
        domain = line["doc_id"].split("/")[1]
        rows.append(_dstc9_example(line["doc_id"], line["query"], domain=domain, paraphrase=True))
    return rows


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def build(corpus: str, root: Path) -> list[dict[str, Any]]:
    """Build one corpus's dataset, copying its public corpus first, and check its gold ids.

    Args:
        corpus: `store`, `banking` or `dstc9`.
        root: The shared datasets folder.
    """
    if corpus == "store":
        return build_store()
    if corpus == "banking":
        folder = root / BANKING_SOURCE
        _copy(folder / "documents.jsonl", BANKING_DOCUMENTS)
        rows = build_banking(folder)
    else:
        _copy(root / DSTC9_SOURCE / "faq_flat.jsonl", DSTC9_FAQ)
        rows = build_dstc9(DSTC9_FAQ)
    check_gold(rows, {d.id for d in corpus_documents(corpus)})
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    """Build the chosen datasets and print how many examples each holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", choices=CORPORA, default=list(CORPORA))
    parser.add_argument("--datasets", type=Path, default=None, help="shared datasets folder")
    args = parser.parse_args(argv)
    root = args.datasets or datasets_dir()
    for corpus in args.corpus:
        count = write_jsonl(dataset_path(corpus), build(corpus, root))
        print(f"{corpus}: {count} examples -> {dataset_path(corpus)}")


if __name__ == "__main__":
    main()
