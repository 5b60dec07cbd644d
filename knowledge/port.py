"""The knowledge port: how the agent searches the store policy and FAQ, and how it changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from supportgraph.knowledge.documents import Document


@dataclass(frozen=True, slots=True)
class Passage:
    """One retrieved knowledge-base document with its relevance.

    Attributes:
        id: Stable document id, e.g. `policy/cancel-pending-order` or `faq/refund-timing`.
        title: Heading path of a policy section, or the question of a FAQ entry.
        text: The document body shown to the model.
        source: Where the document comes from: `policy` or `faq`.
        score: Relevance to the query, in the range of a cosine similarity; higher is more
            relevant. The Chroma adapter blends the encoder's cosine with a lexical one.
    """

    id: str
    title: str
    text: str
    source: str
    score: float


@runtime_checkable
class KnowledgeBase(Protocol):
    """A searchable store of policy passages."""

    async def search(self, query: str, k: int = 4) -> list[Passage]:
        """Return up to `k` passages, most relevant first.

        Args:
            query: The customer's question or a rewritten search query.
            k: Maximum number of passages.
        """
        ...

    def count(self) -> int:
        """Return how many documents are indexed."""
        ...


@runtime_checkable
class KnowledgeIndex(KnowledgeBase, Protocol):
    """A knowledge base that follows the `knowledge_entries` table, one change at a time."""

    def build(self, documents: Sequence[Document]) -> bool:
        """Make the index hold exactly these documents; return whether anything changed.

        Args:
            documents: Every live entry.
        """
        ...

    def upsert(self, documents: Sequence[Document]) -> None:
        """Add or replace these documents, leaving every other one as it is.

        Args:
            documents: New or changed entries.
        """
        ...

    def delete(self, ids: Sequence[str]) -> None:
        """Remove these documents; unknown ids are ignored.

        Args:
            ids: Entry ids.
        """
        ...
