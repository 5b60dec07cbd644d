"""Chroma adapters of the knowledge port: a local persistent index or a Chroma server."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.types import Documents, Embeddable, EmbeddingFunction, Embeddings, Space
from chromadb.config import Settings
from chromadb.utils.embedding_functions import register_embedding_function

from supportgraph.knowledge.documents import Document
from supportgraph.knowledge.lexical import LexicalIndex
from supportgraph.knowledge.port import Passage
from supportgraph.nlu.embeddings import embed

DEFAULT_COLLECTION = "supportgraph_kb"
# Bump when the way documents are turned into vectors changes, so old indexes are rebuilt.
INDEX_VERSION = "1"
LEXICAL_WEIGHT = 0.3
"""Weight of the lexical similarity against the cosine; the blend is divided by 1 + weight,
so a score stays in the cosine's range and the flow responder's threshold keeps its sense."""
CANDIDATES = 20
"""Documents taken from each of the dense and the lexical ranking before blending."""


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function backed by the packaged, offline MiniLM encoder."""

    def __init__(self) -> None:
        """Create the function; the encoder itself loads lazily on first use."""

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - chroma's signature.
        """Embed documents into unit-length vectors."""
        return list(embed(list(input)))

    @staticmethod
    def name() -> str:
        """Return the name Chroma records in the collection configuration."""
        return "supportgraph-minilm-l6-v2"

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        """Rebuild the function from a stored collection configuration."""
        return MiniLMEmbeddingFunction()

    def get_config(self) -> dict[str, Any]:
        """Return the (empty) configuration: the model is fixed by the package."""
        return {}

    def default_space(self) -> Space:
        """Vectors are normalised, so cosine is the natural space."""
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        """Return the spaces that make sense for normalised vectors."""
        return ["cosine", "ip"]


def content_hash(documents: Sequence[Document]) -> str:
    """Return a digest of the documents and the indexing scheme."""
    payload: list[Any] = [INDEX_VERSION, MiniLMEmbeddingFunction.name()]
    payload += [[d.id, d.title, d.text, d.source] for d in sorted(documents, key=lambda d: d.id)]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def _indexed_text(title: str, text: str) -> str:
    # The title carries the heading path or the FAQ question, which is what queries resemble.
    return f"{title}\n\n{text}"


def _outdated(stored: tuple[str, str, str, int] | None, document: Document) -> bool:
    """Whether the stored copy must be replaced by this document."""
    if stored is None:
        return True
    title, text, source, version = stored
    differs = (title, text, source) != (document.title, document.text, document.source)
    return differs and version <= document.version


def _new_revision() -> str:
    return uuid.uuid4().hex


def _blend(cosine: float, lexical: float) -> float:
    return (cosine + LEXICAL_WEIGHT * lexical) / (1.0 + LEXICAL_WEIGHT)


def _passage(doc_id: str, text: str | None, meta: Any, score: float) -> Passage:
    meta = meta or {}
    return Passage(
        id=doc_id,
        title=str(meta.get("title", "")),
        text=text or "",
        source=str(meta.get("source", "")),
        score=score,
    )


class ChromaKnowledgeBase:
    """Knowledge base stored in one Chroma collection.

    A search blends the encoder's cosine similarity with a lexical one (`LexicalIndex`,
    fitted in memory on the collection's documents). Every change writes a new `revision`
    into the collection's metadata; a search whose revision differs from the one its lexical
    index was fitted at refits it first, so every process sharing the collection (one Chroma
    server behind several API processes) sees a change at its next search.
    """

    def __init__(self, client: ClientAPI, collection: str = DEFAULT_COLLECTION) -> None:
        """Open (or create) the collection.

        Args:
            client: A Chroma client, persistent or HTTP.
            collection: Collection name.
        """
        self._client = client
        self._name = collection
        self._embedding = MiniLMEmbeddingFunction()
        self._collection = client.get_or_create_collection(
            name=collection,
            # Chroma types the parameter over all embeddable inputs; ours takes text only.
            embedding_function=cast("EmbeddingFunction[Embeddable]", self._embedding),
            configuration={"hnsw": {"space": "cosine"}},
        )
        self._lexical: tuple[str, LexicalIndex] | None = None
        self._lock = threading.Lock()

    def build(self, documents: Sequence[Document]) -> bool:
        """Make the collection hold exactly these documents, unless it already does.

        A collection whose recorded content hash matches is left alone. Otherwise only what
        differs is written: ids that are gone are deleted, and new or changed documents are
        embedded and upserted, except where the collection holds a newer version of one
        (written by a change that raced this build). A change of `INDEX_VERSION` re-embeds
        everything. Safe to call on every start.

        Args:
            documents: The full knowledge base.

        Returns:
            True if the collection was (re)indexed, False if it was already current.
        """
        digest = content_hash(documents)
        metadata = self._metadata()
        if metadata.get("content_hash") == digest and self._collection.count() == len(documents):
            return False
        everything = metadata.get("index_version") != INDEX_VERSION
        stored = self._stored()
        stale = sorted(set(stored) - {d.id for d in documents})
        changed = [d for d in documents if everything or _outdated(stored.get(d.id), d)]
        if stale:
            self._collection.delete(ids=stale)
        self._write(changed)
        revision = _new_revision() if stale or changed else str(metadata.get("revision", ""))
        self._stamp(content_hash=digest, index_version=INDEX_VERSION, revision=revision)
        return True

    def upsert(self, documents: Sequence[Document]) -> None:
        """Add or replace these documents, leaving every other one as it is.

        Args:
            documents: New or changed entries.
        """
        if documents:
            self._write(documents)
            self._changed()

    def delete(self, ids: Sequence[str]) -> None:
        """Remove these documents; unknown ids are ignored.

        Args:
            ids: Entry ids.
        """
        if ids:
            self._collection.delete(ids=list(ids))
            self._changed()

    def revision(self) -> str:
        """The collection's current revision, as every process sharing it sees it."""
        return str(self._metadata().get("revision", ""))

    def _write(self, documents: Sequence[Document]) -> None:
        if not documents:
            return
        self._collection.upsert(
            ids=[d.id for d in documents],
            embeddings=self._embedding([_indexed_text(d.title, d.text) for d in documents]),
            documents=[d.text for d in documents],
            metadatas=[
                {"title": d.title, "source": d.source, "version": d.version} for d in documents
            ],
        )

    def _changed(self) -> None:
        """Record a change made one document at a time: a new revision, no content hash.

        Without a hash the next `build` compares the documents themselves, which costs
        no embedding when they agree.
        """
        index_version = str(self._metadata().get("index_version", ""))
        self._stamp(content_hash="", index_version=index_version, revision=_new_revision())

    def _stamp(self, **metadata: str) -> None:
        self._collection.modify(metadata=dict(metadata))
        with self._lock:
            self._lexical = None

    def _metadata(self) -> dict[str, Any]:
        # A collection handle caches its metadata; another process's change shows only in a
        # fresh one.
        return dict(self._client.get_collection(self._name).metadata or {})

    def _stored(self) -> dict[str, tuple[str, str, str, int]]:
        """Title, text, source and version of every stored document, by id."""
        got = self._collection.get(include=["documents", "metadatas"])
        metas = got["metadatas"] or [{}] * len(got["ids"])
        texts = got["documents"] or [""] * len(got["ids"])
        stored = {}
        for doc_id, text, meta in zip(got["ids"], texts, metas, strict=True):
            meta = meta or {}
            version = meta.get("version", 0)
            stored[doc_id] = (
                str(meta.get("title", "")),
                text or "",
                str(meta.get("source", "")),
                version if isinstance(version, int) else 0,
            )
        return stored

    def count(self) -> int:
        """Return how many documents are indexed."""
        return self._collection.count()

    async def search(self, query: str, k: int = 4) -> list[Passage]:
        """Return up to `k` passages, most similar first.

        Args:
            query: Free-text query.
            k: Maximum number of passages.
        """
        return await asyncio.to_thread(self._search, query, k)

    def _search(self, query: str, k: int) -> list[Passage]:
        size = self._collection.count()
        if size == 0 or k <= 0 or not query.strip():
            return []
        vector = self._embedding([query])
        wanted = min(size, max(k, CANDIDATES))
        candidates = self._nearest(vector, wanted)
        lexical = self._lexical_index()
        scores = lexical.scores(query)
        missing = [i for i in lexical.top(scores, wanted) if i not in candidates]
        candidates.update(self._cosines(missing, vector))
        blended = [
            replace(p, score=_blend(p.score, lexical.score_of(scores, p.id)))
            for p in candidates.values()
        ]
        return sorted(blended, key=lambda p: p.score, reverse=True)[:k]

    def _nearest(self, vector: Embeddings, n_results: int) -> dict[str, Passage]:
        """The n nearest documents by cosine, as passages scored with it."""
        result = self._collection.query(
            query_embeddings=vector,
            n_results=n_results,
            include=["documents", "metadatas", "distances"],
        )
        rows = zip(
            result["ids"][0],
            (result["documents"] or [[]])[0],
            (result["metadatas"] or [[]])[0],
            (result["distances"] or [[]])[0],
            strict=True,
        )
        return {
            doc_id: _passage(doc_id, text, meta, 1.0 - float(distance))
            for doc_id, text, meta, distance in rows
        }

    def _cosines(self, ids: list[str], vector: Embeddings) -> dict[str, Passage]:
        """Documents found only lexically, scored with their stored vectors' cosine."""
        if not ids:
            return {}
        got = self._collection.get(ids=ids, include=["embeddings", "documents", "metadatas"])
        query = np.asarray(vector[0], dtype=np.float32)
        # All three were asked for, so Chroma returns each of them.
        texts, metas, vectors = got["documents"] or [], got["metadatas"] or [], got["embeddings"]
        vectors = vectors if vectors is not None else []
        rows = zip(got["ids"], texts, metas, list(vectors), strict=True)
        return {
            doc_id: _passage(doc_id, text, meta, float(np.dot(np.asarray(emb), query)))
            for doc_id, text, meta, emb in rows
        }

    def _lexical_index(self) -> LexicalIndex:
        """The lexical index of the collection's documents, refitted when the revision moves."""
        # The revision is read before the documents: an index fitted on them is then at least
        # as new as the revision it is filed under.
        revision = self.revision()
        with self._lock:
            if self._lexical is None or self._lexical[0] != revision:
                stored = self._collection.get(include=["documents", "metadatas"])
                metas = stored["metadatas"] or [{}] * len(stored["ids"])
                texts = [
                    _indexed_text(str((meta or {}).get("title", "")), text or "")
                    for text, meta in zip(stored["documents"] or [], metas, strict=True)
                ]
                self._lexical = (revision, LexicalIndex(stored["ids"], texts))
            return self._lexical[1]


def _settings() -> Settings:
    # Chroma's product telemetry is on by default; nothing may leave the host.
    return Settings(anonymized_telemetry=False)


def persistent_kb(path: Path | str, collection: str = DEFAULT_COLLECTION) -> ChromaKnowledgeBase:
    """Open a knowledge base in a local Chroma directory (the embedded adapter).

    Args:
        path: Directory of the persistent index.
        collection: Collection name.
    """
    client = chromadb.PersistentClient(path=str(path), settings=_settings())
    return ChromaKnowledgeBase(client, collection)


def http_kb(url: str, collection: str = DEFAULT_COLLECTION) -> ChromaKnowledgeBase:
    """Open a knowledge base on a Chroma server (the production adapter).

    Args:
        url: Server URL such as `http://chroma:8000`.
        collection: Collection name.
    """
    from urllib.parse import urlparse

    parsed = urlparse(url)
    client = chromadb.HttpClient(
        host=parsed.hostname or "localhost",
        port=parsed.port or (443 if parsed.scheme == "https" else 8000),
        ssl=parsed.scheme == "https",
        settings=_settings(),
    )
    return ChromaKnowledgeBase(client, collection)
