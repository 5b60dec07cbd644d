"""Tests for the retrieval suite: evaluator math, the dataset builders and the store suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from supportgraph.evals.retrieval import (
    CORPORA,
    corpus_documents,
    dataset_path,
    read_records,
)
from supportgraph.evals.retrieval.build import (
    build_banking,
    build_dstc9,
    build_store,
    check_gold,
    dstc9_query,
)
from supportgraph.evals.retrieval.suite import (
    RetrievalSuite,
    hit_at,
    recall_at,
    reciprocal_rank,
    summarize_retrieval,
)
from supportgraph.evals.suite import Row, Summary, read_jsonl
from supportgraph.settings import Settings


def _score(found: list[str], gold: list[str]) -> dict[str, Any]:
    outputs, reference = {"doc_ids": found}, {"doc_ids": gold}
    evaluators = [hit_at(1), hit_at(5), recall_at(1), recall_at(5), reciprocal_rank]
    return {r["key"]: r["score"] for r in (e(outputs, reference) for e in evaluators)}


def _row(found: list[str], gold: list[str], latency: float = 1.0, **metadata: Any) -> Row:
    example = {"inputs": {"query": "q"}, "outputs": {"doc_ids": gold}, "metadata": metadata}
    return Row(example, {"doc_ids": found, "latency_ms": latency}, _score(found, gold))


def test_that_a_gold_document_at_rank_two_counts_for_top_five_only():
    scores = _score(["x", "a", "y", "b", "z"], ["a", "b"])
    assert scores == {
        "hit@1": 0.0,
        "hit@5": 1.0,
        "recall@1": 0.0,
        "recall@5": 1.0,
        "reciprocal_rank": 0.5,
    }


def test_that_recall_counts_the_share_of_gold_documents_found():
    scores = _score(["a", "x", "y", "z", "w"], ["a", "b", "c", "d"])
    assert scores["hit@1"] == scores["hit@5"] == 1.0
    assert scores["recall@1"] == scores["recall@5"] == 0.25
    assert scores["reciprocal_rank"] == 1.0


def test_that_a_miss_or_a_failed_search_scores_zero_and_no_gold_scores_none():
    assert set(_score(["x", "y"], ["a"]).values()) == {0.0}
    assert set(_score([], ["a"]).values()) == {0.0}
    assert reciprocal_rank({}, {"doc_ids": ["a"]})["score"] == 0.0
    assert set(_score(["a"], []).values()) == {None}


def test_that_the_summary_averages_per_group_and_notes_the_recall_ceiling():
    rows = [
        _row(["a"], ["a"], 2.0, source="store"),
        _row(["x", "a"], ["a"], 4.0, source="store", typo=True),
        _row(["x"], ["a", "b"], 6.0, source="dstc9", paraphrase=True),
    ]
    summary = summarize_retrieval("retrieval-test", rows)
    assert isinstance(summary, Summary) and summary.suite == "retrieval-test"
    metrics = summary.metrics
    assert metrics["n"] == 3
    assert metrics["hit@1"] == pytest.approx(1 / 3)
    assert metrics["hit@5"] == pytest.approx(2 / 3)
    assert metrics["mrr"] == pytest.approx(0.5)
    assert metrics["latency_ms_p50"] == 4.0
    for group in ("| store |", "| store / typo |", "| dstc9 / paraphrase |", "| **all** | 3 |"):
        assert group in summary.table
    assert any("recall@1" in note for note in summary.notes)


def test_that_the_store_dataset_covers_every_document_with_known_ids():
    rows = build_store()
    assert len(rows) >= 60
    assert len({row["id"] for row in rows}) == len(rows)
    assert all(row["metadata"]["corpus"] == "store" for row in rows)
    assert any(row["metadata"]["typo"] for row in rows)
    assert any(row["metadata"]["paraphrase"] for row in rows)


@pytest.mark.parametrize("corpus", CORPORA)
def test_that_every_gold_id_in_a_shipped_dataset_names_a_corpus_document(corpus):
    rows = read_jsonl(dataset_path(corpus))
    documents = corpus_documents(corpus)
    assert rows and len({d.id for d in documents}) == len(documents)
    check_gold(rows, {d.id for d in documents})
    assert all(row["metadata"]["corpus"] == corpus for row in rows)


def test_that_check_gold_rejects_unknown_or_missing_ids():
    with pytest.raises(ValueError, match="bad gold ids"):
        check_gold([{"inputs": {"query": "q"}, "outputs": {"doc_ids": ["nope"]}}], {"a"})
    with pytest.raises(ValueError, match="bad gold ids"):
        check_gold([{"inputs": {"query": "q"}, "outputs": {"doc_ids": []}}], {"a"})


def _banking_folder(tmp_path: Path, splits: dict[str, list[str]] | None) -> Path:
    tasks = [
        {"id": str(i), "user_scenario": {"instructions": f"scenario {i}"}, "required_documents": d}
        for i, d in ((1, ["doc_a", "doc_a"]), (2, ["doc_b"]), (3, ["doc_c"]))
    ]
    (tmp_path / "tasks.json").write_text(json.dumps(tasks))
    if splits is not None:
        (tmp_path / "split_tasks.json").write_text(json.dumps(splits))
    return tmp_path


def test_that_the_banking_builder_never_reads_a_test_task(tmp_path):
    folder = _banking_folder(tmp_path, {"train": ["1"], "dev": ["3"], "test": ["2"]})
    rows = build_banking(folder)
    assert [row["metadata"]["task_id"] for row in rows] == ["1", "3"]
    assert [row["metadata"]["split"] for row in rows] == ["train", "dev"]
    assert rows[0]["inputs"] == {"query": "scenario 1"}
    assert rows[0]["outputs"] == {"doc_ids": ["doc_a"]}


def test_that_banking_tasks_without_a_split_file_are_all_marked_unsplit(tmp_path):
    rows = build_banking(_banking_folder(tmp_path, None))
    assert [row["metadata"]["split"] for row in rows] == ["none"] * 3


def _faq(domain: str, entity: str, name: str | None, doc_id: str, question: str) -> dict:
    keys = ("domain", "entity_id", "entity_name", "doc_id", "question")
    return dict(zip(keys, (domain, entity, name, doc_id, question), strict=True), answer="A.")


def test_that_dstc9_queries_name_their_subject_and_paraphrases_are_marked(tmp_path):
    faq = [
        _faq("hotel", "7", "A AND B GUEST HOUSE", "1", "Can I bring my pet?"),
        _faq("hotel", "7", "A AND B GUEST HOUSE", "2", "Is A and B Guest House open?"),
        _faq("taxi", "*", None, "1", "How do I cancel?"),
    ]
    faq_path, paraphrases = tmp_path / "faq.jsonl", tmp_path / "paraphrases.jsonl"
    faq_path.write_text("\n".join(json.dumps(row) for row in faq))
    paraphrases.write_text(json.dumps({"doc_id": "dstc9/hotel/7/1", "query": "dogs ok?"}))
    assert dstc9_query(faq[0]) == ("A And B Guest House: Can I bring my pet?", True)
    assert dstc9_query(faq[1]) == ("Is A and B Guest House open?", False)
    rows = build_dstc9(faq_path, paraphrases)
    assert [row["outputs"]["doc_ids"] for row in rows] == [
        ["dstc9/hotel/7/1"],
        ["dstc9/hotel/7/2"],
        ["dstc9/taxi/all/1"],
        ["dstc9/hotel/7/1"],
    ]
    assert rows[2]["inputs"]["query"] == "Taxi: How do I cancel?"
    assert [row["metadata"]["paraphrase"] for row in rows] == [False, False, False, True]
    assert read_records(paraphrases)[0]["query"] == "dogs ok?"


def test_that_an_unknown_corpus_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown corpus"):
        RetrievalSuite("nope", Settings(data_dir=tmp_path))


@pytest.mark.asyncio
async def test_that_the_store_suite_searches_the_product_index_end_to_end(tmp_path):
    suite = RetrievalSuite("store", Settings(data_dir=tmp_path, chroma_url=""), limit=4)
    assert suite.name == "retrieval-store"
    search = suite.target()
    rows = []
    for example in suite.examples():
        outputs = await search(example["inputs"])
        assert len(outputs["doc_ids"]) == len(outputs["scores"]) == 5
        assert outputs["scores"] == sorted(outputs["scores"], reverse=True)
        gold = example["outputs"]
        results = [e(outputs=outputs, reference_outputs=gold) for e in suite.evaluators()]
        rows.append(Row(example, outputs, {r["key"]: r["score"] for r in results}))
    summary = suite.summarize(rows)
    suite.close()
    assert (tmp_path / "chroma").is_dir()
    assert summary.metrics["n"] == 4 and summary.metrics["errors"] == 0
    expected = {"hit@1", "hit@5", "recall@1", "recall@5", "mrr", "latency_ms_p95"}
    assert expected <= summary.metrics.keys()
    assert "| **all** | 4 |" in summary.table
