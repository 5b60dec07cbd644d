"""The knowledge port: how the agent searches the store policy and FAQ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


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
