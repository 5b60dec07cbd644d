"""Shared fixtures for the knowledge-base tests: one index built per session."""

from __future__ import annotations

import pytest

from supportgraph.knowledge.chroma import ChromaKnowledgeBase, persistent_kb
from supportgraph.knowledge.documents import Document, load_documents


@pytest.fixture(scope="session")
def documents() -> list[Document]:
    """The shipped knowledge-base documents."""
    return load_documents()


@pytest.fixture(scope="session")
def kb_path(tmp_path_factory: pytest.TempPathFactory):
    """Directory of the session's persistent index."""
    return tmp_path_factory.mktemp("kb")


@pytest.fixture(scope="session")
def built_kb(kb_path, documents: list[Document]) -> ChromaKnowledgeBase:
    """A persistent index of the shipped documents; embedding them once keeps the suite fast."""
    kb = persistent_kb(kb_path)
    kb.build(documents)
    return kb
