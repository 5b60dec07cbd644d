"""Knowledge-base documents: the store policy split by heading, plus the FAQ."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from supportgraph.settings import SHIPPED_DATA_DIR

WIKI_PATH = SHIPPED_DATA_DIR / "retail" / "wiki.md"
FAQ_PATH = SHIPPED_DATA_DIR / "kb" / "faq.jsonl"

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
ADMIN_ID_PREFIX = "kb_"
"""Ids of the entries an admin adds: `kb_<hex>`; shipped ones are `policy/…` and `faq/…`."""
POLICY_CATEGORIES = frozenset({"cancel", "modify", "return", "exchange"})
"""Actions whose policy sections are filed under the action; every other section is `general`."""


@dataclass(frozen=True, slots=True)
class Document:
    """A unit of the knowledge base, indexed and retrieved whole.

    Attributes:
        id: Stable id: `policy/<slug>` for a policy section, `faq/<id>` for a FAQ entry.
        title: Heading path (`Retail agent policy > Modify pending order > Modify payment`)
            or the FAQ question.
        text: The body.
        source: `policy` or `faq` (shipped), or `admin`.
        category: What the entry is about (`cancel`, `payment`, `general`, ...); not indexed.
        tags: Free labels an admin filters by; not indexed.
        version: The entry's version; an index never replaces a document with an older one.
    """

    id: str
    title: str
    text: str
    source: str
    category: str = "general"
    tags: tuple[str, ...] = ()
    version: int = 1


def slugify(heading: str) -> str:
    """Turn a heading into a lowercase, hyphenated id segment."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


def policy_category(path: list[str]) -> str:
    """The category of a policy section: the action its second-level heading names.

    Args:
        path: The heading path, top level first.
    """
    words = path[1].lower().split() if len(path) > 1 else []
    return words[0] if words and words[0] in POLICY_CATEGORIES else "general"


def split_policy(markdown: str) -> list[Document]:
    """Split a markdown policy into one document per heading.

    The title keeps the whole heading path so that a subsection such as
    "Modify payment" still says which action it belongs to; the category is the action.

    Args:
        markdown: The policy text.
    """
    documents: list[Document] = []
    path: list[tuple[int, str]] = []
    body: list[str] = []

    def flush() -> None:
        text = "\n".join(body).strip()
        if path and text:
            names = [name for _, name in path]
            documents.append(
                Document(
                    id=f"policy/{slugify(names[-1])}",
                    title=" > ".join(names),
                    text=text,
                    source="policy",
                    category=policy_category(names),
                )
            )
        body.clear()

    for line in markdown.splitlines():
        match = _HEADING.match(line)
        if match is None:
            body.append(line)
            continue
        flush()
        level = len(match.group(1))
        path = [(lvl, name) for lvl, name in path if lvl < level] + [(level, match.group(2))]
    flush()
    return documents


def load_faq(path: Path = FAQ_PATH) -> list[Document]:
    """Read the FAQ JSONL file into documents, filed under their first tag.

    Args:
        path: A JSONL file of `{"id", "question", "answer", "tags"}` objects.
    """
    documents = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        tags = [str(tag) for tag in entry.get("tags") or []]
        documents.append(
            Document(
                id=f"faq/{entry['id']}",
                title=entry["question"],
                text=entry["answer"],
                source="faq",
                category=tags[0] if tags else "general",
                tags=tuple(tags),
            )
        )
    return documents


def load_documents(wiki_path: Path = WIKI_PATH, faq_path: Path = FAQ_PATH) -> list[Document]:
    """Load every knowledge-base document: policy sections first, then the FAQ.

    Args:
        wiki_path: The store policy in markdown.
        faq_path: The FAQ in JSONL.

    Raises:
        ValueError: If two documents share an id.
    """
    documents = split_policy(wiki_path.read_text(encoding="utf-8")) + load_faq(faq_path)
    seen: set[str] = set()
    for document in documents:
        if document.id in seen:
            raise ValueError(f"duplicate knowledge-base id: {document.id}")
        seen.add(document.id)
    return documents
