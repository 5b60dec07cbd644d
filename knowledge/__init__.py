"""Knowledge base: the store policy and FAQ behind a searchable port.

The Chroma adapters live in `supportgraph.knowledge.chroma`; they are not imported
here because loading Chroma and the encoder is slow and most callers only need the port.
"""

from __future__ import annotations

from supportgraph.knowledge.documents import Document, load_documents
from supportgraph.knowledge.port import KnowledgeBase, Passage

__all__ = ["Document", "KnowledgeBase", "Passage", "load_documents"]
