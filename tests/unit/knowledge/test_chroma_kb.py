"""Tests for the Chroma knowledge base: building, re-indexing and retrieval quality."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

import pytest

from supportgraph.knowledge import chroma
from supportgraph.knowledge.chroma import MiniLMEmbeddingFunction, http_kb, persistent_kb
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


SMALL = [
    Document(id="faq/a", title="Refunds?", text="Refunds take five days.", source="faq"),
    Document(id="faq/b", title="Returns?", text="Delivered orders can be returned.", source="faq"),
]
WRAP = Document(
    id="kb_wrap", title="Gift wrapping?", text="Gift wrapping is free at checkout.", source="admin"
)


@pytest.mark.asyncio
async def test_that_upsert_and_delete_change_one_document_and_move_the_revision(tmp_path):
    kb = persistent_kb(tmp_path, collection="incremental")
    kb.build(SMALL)
    built = kb.revision()
    kb.upsert([WRAP])
    assert kb.count() == 3 and kb.revision() != built
    assert (await kb.search("gift wrapping", k=1))[0].id == "kb_wrap"
    moved = kb.revision()
    kb.delete(["kb_wrap", "kb_never_indexed"])
    assert kb.count() == 2 and kb.revision() != moved
    assert "kb_wrap" not in [p.id for p in await kb.search("gift wrapping", k=4)]


@pytest.mark.asyncio
async def test_that_another_instance_sees_a_change_at_its_next_search(tmp_path):
    writer = persistent_kb(tmp_path, collection="shared")
    writer.build(SMALL)
    reader = persistent_kb(tmp_path, collection="shared")
    assert [p.id for p in await reader.search("gift wrapping", k=4)] != []
    writer.upsert([WRAP])
    seen = {p.id: p.score for p in await reader.search("gift wrapping", k=4)}
    # A fresh instance fits its lexical index on every document; the reader must agree, which
    # it does only if it refitted its own when the revision moved.
    fresh = {p.id: p.score for p in await persistent_kb(tmp_path, "shared").search("gift wrapping")}
    assert seen == pytest.approx(fresh)
    writer.delete(["kb_wrap"])
    assert "kb_wrap" not in [p.id for p in await reader.search("gift wrapping", k=4)]


def test_that_a_build_after_changes_embeds_only_what_differs(tmp_path, monkeypatch):
    kb = persistent_kb(tmp_path, collection="diffing")
    kb.build(SMALL)
    kb.upsert([WRAP])
    embedded: list[str] = []
    real = chroma.embed

    def counting(texts):
        embedded.extend(texts)
        return real(texts)

    monkeypatch.setattr(chroma, "embed", counting)
    reopened = persistent_kb(tmp_path, collection="diffing")
    # The change left no content hash, so this build compares documents: all agree.
    assert reopened.build([*SMALL, WRAP]) is True and embedded == []
    assert reopened.build([*SMALL, WRAP]) is False
    edited = replace(SMALL[0], text="Refunds take a week.", version=2)
    assert reopened.build([edited, SMALL[1]]) is True
    assert embedded == ["Refunds?\n\nRefunds take a week."] and reopened.count() == 2


@pytest.mark.asyncio
async def test_that_a_build_never_replaces_a_newer_version_of_a_document(tmp_path):
    kb = persistent_kb(tmp_path, collection="versions")
    newer = replace(SMALL[0], text="Refunds take a week.", version=3)
    kb.build(SMALL)
    kb.upsert([newer])
    # A build that read the table before that change landed still holds version 1.
    kb.build(SMALL)
    [passage] = await kb.search("refunds", k=1)
    assert passage.text == "Refunds take a week."


@pytest.fixture
def chroma_server(tmp_path):
    """A Chroma server on a free loopback port, for the production adapter."""
    binary = Path(sys.executable).parent / "chroma"
    if not binary.exists():
        pytest.skip("the chroma command is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(binary), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1"]
    log = (tmp_path / "chroma.log").open("wb")
    process = subprocess.Popen([*command, "--port", str(port)], stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.skip(f"the Chroma server did not start: {process.returncode}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.mark.asyncio
async def test_that_two_processes_on_one_chroma_server_agree_after_a_change(chroma_server):
    # Each adapter keeps its own lexical index, as two API processes do.
    first, second = http_kb(chroma_server, "shared_kb"), http_kb(chroma_server, "shared_kb")
    first.build(SMALL)
    assert "kb_wrap" not in [p.id for p in await second.search("gift wrapping", k=4)]
    first.upsert([WRAP])
    seen = {p.id: p.score for p in await second.search("gift wrapping", k=4)}
    fresh = {
        p.id: p.score for p in await http_kb(chroma_server, "shared_kb").search("gift wrapping")
    }
    assert "kb_wrap" in seen and seen == pytest.approx(fresh)
    second.delete(["kb_wrap"])
    assert "kb_wrap" not in [p.id for p in await first.search("gift wrapping", k=4)]
    assert second.revision() == first.revision()
