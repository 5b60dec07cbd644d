"""Retrieval evals: which knowledge-base documents a query finds, on three corpora.

`store` is the product's own policy and FAQ, searched exactly as the agent searches it.
`banking` (τ²-bench banking knowledge base) and `dstc9` (DSTC9 track 1 FAQ snippets) are
public corpora copied into `evals/datasets/corpora/` and indexed in their own collections.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

from supportgraph.knowledge.documents import Document, load_documents

__all__ = [
    "CORPORA",
    "CORPORA_DIR",
    "DATASETS_DIR",
    "corpus_documents",
    "dataset_path",
    "dstc9_document_id",
    "dstc9_subject",
    "read_records",
]

CORPORA = ("store", "banking", "dstc9")
DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"
CORPORA_DIR = DATASETS_DIR / "corpora"
BANKING_DOCUMENTS = CORPORA_DIR / "banking_knowledge" / "documents.jsonl"
DSTC9_FAQ = CORPORA_DIR / "dstc9" / "faq.jsonl"


def dataset_path(corpus: str) -> Path:
    """The LangSmith JSONL dataset of one corpus: `evals/datasets/retrieval_<corpus>.jsonl`.

    Args:
        corpus: `store`, `banking` or `dstc9`.
    """
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}; expected one of {', '.join(CORPORA)}")
    return DATASETS_DIR / f"retrieval_{corpus}.jsonl"


def read_records(path: Path) -> list[dict[str, Any]]:
    """Plain JSON-lines records, such as a corpus file.

    Args:
        path: The file.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def dstc9_document_id(row: dict[str, Any]) -> str:
    """The id of one DSTC9 snippet: `dstc9/<domain>/<entity id or all>/<doc id>`.

    Args:
        row: A line of the flattened DSTC9 FAQ.
    """
    entity = "all" if row["entity_id"] == "*" else row["entity_id"]
    return f"dstc9/{row['domain']}/{entity}/{row['doc_id']}"


def dstc9_subject(row: dict[str, Any]) -> str:
    """What a DSTC9 snippet is about: the entity's name, or the domain for domain-wide ones.

    Args:
        row: A line of the flattened DSTC9 FAQ.
    """
    if row.get("entity_name"):
        return string.capwords(row["entity_name"])
    return str(row["domain"]).capitalize()


def _dstc9_documents(path: Path) -> list[Document]:
    # The answer is the document; the question is what the eval asks, so it stays out.
    documents = []
    for row in read_records(path):
        title = dstc9_subject(row)
        if row.get("entity_name"):
            title = f"{title} ({row['domain']})"
        documents.append(
            Document(dstc9_document_id(row), title, row["answer"].strip(), row["domain"])
        )
    return documents


def _banking_documents(path: Path) -> list[Document]:
    return [
        Document(row["id"], row["title"], row["content"].strip(), "banking")
        for row in read_records(path)
    ]


def corpus_documents(corpus: str) -> list[Document]:
    """Every document of one corpus, as the knowledge base indexes them.

    Args:
        corpus: `store`, `banking` or `dstc9`.
    """
    if corpus == "store":
        return load_documents()
    if corpus == "banking":
        return _banking_documents(BANKING_DOCUMENTS)
    if corpus == "dstc9":
        return _dstc9_documents(DSTC9_FAQ)
    raise ValueError(f"unknown corpus {corpus!r}; expected one of {', '.join(CORPORA)}")
