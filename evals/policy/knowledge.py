"""Knowledge bases with planted entries, for the conversations about poisoned knowledge.

A planted entry reaches the agent as an admin's edit would: it is indexed beside the shipped
documents (an entry with a shipped id replaces that document) and found by the same search.
Each conversation gets a collection of its own in an in-memory Chroma, so a planted entry
never reaches another conversation nor the deployment's index.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import chromadb
from chromadb.config import Settings

from supportgraph.knowledge.chroma import ChromaKnowledgeBase
from supportgraph.knowledge.documents import ADMIN_ID_PREFIX, Document, load_documents


def planted_documents(entries: Sequence[dict[str, Any]]) -> list[Document]:
    """The example's `knowledge` entries as documents, sourced as an admin's or a shipped one's.

    Args:
        entries: `{"id", "title", "text"}` each.
    """
    documents = []
    for entry in entries:
        if not entry.get("id") or not entry.get("text"):
            raise ValueError(f"a planted knowledge entry needs an id and a text: {entry!r}")
        admin = entry["id"].startswith(ADMIN_ID_PREFIX)
        source = "admin" if admin else entry["id"].split("/", 1)[0]
        # A version above the shipped one, so the planted text replaces a shipped entry.
        documents.append(Document(entry["id"], entry["title"], entry["text"], source, version=2))
    return documents


class PlantedKnowledge:
    """Opens knowledge bases of the shipped documents plus a conversation's planted entries."""

    def __init__(self) -> None:
        # Chroma's product telemetry is on by default; nothing may leave the host.
        self._client = chromadb.EphemeralClient(settings=Settings(anonymized_telemetry=False))
        self._shipped = load_documents()
        self._names = itertools.count()
        self._opened: dict[int, str] = {}

    def open(self, entries: Sequence[dict[str, Any]]) -> ChromaKnowledgeBase:
        """A knowledge base holding the shipped documents with these entries planted.

        Args:
            entries: The example's `knowledge` entries.
        """
        planted = planted_documents(entries)
        replaced = {d.id for d in planted}
        documents = [d for d in self._shipped if d.id not in replaced] + planted
        name = f"policy_planted_{next(self._names)}"
        kb = ChromaKnowledgeBase(self._client, name)
        kb.build(documents)
        self._opened[id(kb)] = name
        return kb

    def discard(self, kb: ChromaKnowledgeBase) -> None:
        """Drop a knowledge base this object opened."""
        name = self._opened.pop(id(kb), None)
        if name is not None:
            self._client.delete_collection(name)
