"""Throw-away Postgres schemas for tests, and the skip when PostgreSQL or Redis is missing."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg
import pytest
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get(
    "SUPPORTGRAPH_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("SUPPORTGRAPH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextmanager
def postgres_schema(prefix: str, *, options: str = "", why: str = "") -> Iterator[str]:
    """A fresh schema in the test database, dropped afterwards; skips without PostgreSQL.

    Args:
        prefix: Start of the schema's name, e.g. `sg_outbox_test`.
        options: More `-c` settings for every connection, e.g. `-ctimezone=Pacific/Auckland`.
        why: What the test needs PostgreSQL for, added to the skip reason.

    Yields:
        A URL whose connections see that schema alone (its `search_path`).
    """
    libpq_url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        admin = psycopg.connect(libpq_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = f" ({why})" if why else ""
        pytest.skip(f"PostgreSQL not reachable at {libpq_url}{reason}: {error}")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        settings = " ".join(filter(None, [f"-csearch_path={schema}", options]))
        scoped = make_url(libpq_url).update_query_dict({"options": settings})
        try:
            yield scoped.render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def redis_or_skip() -> str:
    """The test Redis URL, or a skip saying it is not reachable."""
    parts = urlsplit(REDIS_URL)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 1).close()
    except OSError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL
