"""The retrieval suite: does a query find the documents that answer it?

Per example, with `gold` the ids that answer the query and the search's top five:

- `hit@k`: 1 if any gold id is among the top k, else 0.
- `recall@k`: the share of gold ids among the top k. With g gold ids it cannot exceed k / g,
  so on multi-document gold it sits below `hit@k` by construction.
- `reciprocal_rank`: 1 / rank of the first gold id, 0 when none is in the top five.

On single-document gold (`dstc9`) `hit@k` and `recall@k` are the same number.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from supportgraph.evals.retrieval import CORPORA, corpus_documents, dataset_path
from supportgraph.evals.suite import (
    Evaluator,
    Row,
    Summary,
    Target,
    markdown_table,
    mean,
    percentile,
    read_jsonl,
)
from supportgraph.knowledge.port import KnowledgeBase
from supportgraph.settings import Settings

TOP_K = 5
KS = (1, 5)
METRICS = ("hit@1", "hit@5", "recall@1", "recall@5", "reciprocal_rank")


def _ids(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> tuple[list[str], set[str]]:
    return list(outputs.get("doc_ids") or []), set(reference_outputs.get("doc_ids") or [])


def hit_at(k: int) -> Evaluator:
    """An evaluator scoring 1 when any gold document is among the top k.

    Args:
        k: How many results count.
    """

    def hit(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
        found, gold = _ids(outputs, reference_outputs)
        score = float(bool(gold & set(found[:k]))) if gold else None
        return {"key": f"hit@{k}", "score": score}

    hit.__name__ = f"hit_at_{k}"
    return hit


def recall_at(k: int) -> Evaluator:
    """An evaluator scoring the share of gold documents found among the top k.

    Args:
        k: How many results count.
    """

    def recall(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
        found, gold = _ids(outputs, reference_outputs)
        score = len(gold & set(found[:k])) / len(gold) if gold else None
        return {"key": f"recall@{k}", "score": score}

    recall.__name__ = f"recall_at_{k}"
    return recall


def reciprocal_rank(outputs: dict[str, Any], reference_outputs: dict[str, Any]) -> dict[str, Any]:
    """1 / rank of the first gold document among the results, 0 when none is there."""
    found, gold = _ids(outputs, reference_outputs)
    if not gold:
        return {"key": "reciprocal_rank", "score": None}
    rank = next((i for i, doc_id in enumerate(found, 1) if doc_id in gold), None)
    return {"key": "reciprocal_rank", "score": 1.0 / rank if rank else 0.0}


def group_of(example: dict[str, Any]) -> str:
    """The table row an example counts under: its source, then `paraphrase` or `typo`.

    Args:
        example: A LangSmith example.
    """
    meta = example.get("metadata") or {}
    parts = [str(meta.get("source") or "(none)")]
    parts += [flag for flag in ("paraphrase", "typo") if meta.get(flag)]
    return " / ".join(parts)


def _means(rows: Sequence[Row]) -> dict[str, float | None]:
    return {key: mean([r.scores.get(key) for r in rows]) for key in METRICS}


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _ceiling(rows: Sequence[Row], k: int) -> float | None:
    sizes = [len(r.example.get("outputs", {}).get("doc_ids") or []) for r in rows]
    return mean([min(1.0, k / g) for g in sizes if g])


def summarize_retrieval(suite: str, rows: Sequence[Row]) -> Summary:
    """Hit rate, recall, MRR and search latency, overall and per source and variant.

    Args:
        suite: The suite's name.
        rows: Scored rows.
    """
    overall = _means(rows)
    latency = [r.outputs["latency_ms"] for r in rows if r.outputs.get("latency_ms") is not None]
    metrics: dict[str, Any] = {
        "n": len(rows),
        **{key: overall[key] for key in METRICS if key != "reciprocal_rank"},
        "mrr": overall["reciprocal_rank"],
        "latency_ms_p50": percentile(latency, 50),
        "latency_ms_p95": percentile(latency, 95),
        "errors": sum(bool(r.outputs.get("error")) for r in rows),
    }
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[group_of(row.example)].append(row)
    table = [[name, len(g), *map(_cell, _means(g).values())] for name, g in sorted(groups.items())]
    table.append(["**all**", len(rows), *map(_cell, overall.values())])
    header = ["group", "n", "hit@1", "hit@5", "recall@1", "recall@5", "MRR"]
    notes = [
        f"recall@{k} cannot exceed k / (gold ids); its mean ceiling here is {_cell(ceiling)}"
        for k in KS
        if (ceiling := _ceiling(rows, k)) is not None and ceiling < 1
    ]
    return Summary(suite, metrics, markdown_table(header, table), notes)


class RetrievalSuite:
    """Knowledge-base search on one corpus: the top five ids against the gold ids.

    Args:
        corpus: `store` (the product's index, built as the agent builds it), `banking`
            or `dstc9` (each in its own collection under `data_dir/evals/index`).
        settings: Where the indexes live.
        limit: Run at most this many examples, for quick checks.
    """

    def __init__(self, corpus: str, settings: Settings, *, limit: int | None = None) -> None:
        if corpus not in CORPORA:
            raise ValueError(f"unknown corpus {corpus!r}; expected one of {', '.join(CORPORA)}")
        self.corpus = corpus
        self.settings = settings
        self.limit = limit
        self.name = f"retrieval-{corpus}"
        self.description = f"Top-{TOP_K} knowledge-base search on the {corpus} corpus."
        self._kb: KnowledgeBase | None = None

    @property
    def knowledge(self) -> KnowledgeBase:
        """The searched index, built (or found current) on first use."""
        if self._kb is None:
            self._kb = self._open()
        return self._kb

    def _open(self) -> KnowledgeBase:
        if self.corpus == "store":
            from supportgraph.services import build_knowledge

            return build_knowledge(self.settings)
        from supportgraph.knowledge.chroma import persistent_kb

        kb = persistent_kb(self.settings.data_dir / "evals" / "index", f"retrieval_{self.corpus}")
        kb.build(corpus_documents(self.corpus))
        return kb

    def examples(self) -> list[dict[str, Any]]:
        """The corpus's dataset, limited as asked."""
        rows = read_jsonl(dataset_path(self.corpus))
        return rows[: self.limit] if self.limit else rows

    def target(self) -> Target:
        """Search the query; return the top ids, their scores and the search time."""
        kb = self.knowledge

        async def search(inputs: dict[str, Any]) -> dict[str, Any]:
            start = time.perf_counter()
            passages = await kb.search(inputs["query"], k=TOP_K)
            return {
                "doc_ids": [p.id for p in passages],
                "scores": [round(p.score, 4) for p in passages],
                "latency_ms": round((time.perf_counter() - start) * 1000, 2),
            }

        return search

    def evaluators(self) -> list[Evaluator]:
        """hit@1, hit@5, recall@1, recall@5 and reciprocal rank."""
        return [*map(hit_at, KS), *map(recall_at, KS), reciprocal_rank]

    def summarize(self, rows: Sequence[Row]) -> Summary:
        """Metrics and a table per source and variant (paraphrase, typo)."""
        return summarize_retrieval(self.name, rows)

    def close(self) -> None:
        """Drop the index handle; the persistent index stays for the next run."""
        self._kb = None
