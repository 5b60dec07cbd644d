"""Tests for the Chroma knowledge base: building, re-indexing and retrieval quality."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from supportgraph.knowledge.chroma import MiniLMEmbeddingFunction, persistent_kb
from supportgraph.knowledge.documents import Document
from supportgraph.knowledge.port import KnowledgeBase

DATASET = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "retrieval_store.jsonl"


def _store_queries() -> list[tuple[str, list[str]]]:
    rows = [json.loads(line) for line in DATASET.read_text().splitlines() if line.strip()]
    return [(row["inputs"]["query"], row["outputs"]["doc_ids"]) for row in rows]


def test_that_the_index_holds_every_document_and_satisfies_the_port(built_kb, documents):
    assert isinstance(built_kb, KnowledgeBase)
    assert built_kb.count() == len(documents)


def test_that_rebuilding_an_unchanged_index_does_nothing(built_kb, kb_path, documents):
    assert built_kb.build(documents) is False
    reopened = persistent_kb(kb_path)
    assert reopened.build(documents) is False
    assert reopened.count() == len(documents)


@pytest.mark.asyncio
async def test_that_search_returns_scored_passages_best_first(built_kb):
    passages = await built_kb.search("how long does a refund take", k=3)
    assert len(passages) == 3
    assert passages[0].id == "faq/refund-timing"
    assert passages[0].text and passages[0].title and passages[0].source == "faq"
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1


@pytest.mark.asyncio
async def test_that_store_policy_questions_retrieve_the_expected_document(built_kb):
    queries = _store_queries()
    assert len(queries) >= 25
    misses = []
    for query, expected in queries:
        found = [p.id for p in await built_kb.search(query, k=5)]
        if not set(expected) & set(found):
            misses.append((query, expected, found))
    recall = 1 - len(misses) / len(queries)
    assert recall >= 0.9, misses


@pytest.mark.asyncio
async def test_that_changed_content_is_reindexed(tmp_path):
    docs = [
        Document(id="faq/a", title="Refunds?", text="Refunds take a while.", source="faq"),
        Document(id="faq/b", title="Returns?", text="Delivered orders return.", source="faq"),
    ]
    kb = persistent_kb(tmp_path, collection="small")
    assert kb.build(docs) is True
    changed = [replace(docs[0], text="Gift card refunds are immediate.")]
    assert kb.build(changed) is True
    assert kb.count() == 1
    [passage] = await kb.search("refund", k=4)
    assert (passage.id, passage.text) == ("faq/a", "Gift card refunds are immediate.")
    assert kb.build(changed) is False


@pytest.mark.asyncio
async def test_that_an_empty_index_or_query_returns_no_passages(tmp_path):
    kb = persistent_kb(tmp_path, collection="empty")
    assert await kb.search("anything") == []
    assert kb.build([]) is True
    assert await kb.search("   ") == []


def test_that_the_embedding_function_is_configured_without_warnings():
    function = MiniLMEmbeddingFunction()
    with warnings.catch_warnings():
        # Chroma warns about "legacy" embedding functions that lack a full config.
        warnings.simplefilter("error")
        assert not function.is_legacy()
        rebuilt = MiniLMEmbeddingFunction.build_from_config(function.get_config())
    assert rebuilt.name() == function.name()
    assert function.default_space() == "cosine"
