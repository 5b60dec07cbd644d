"""Adapter choice from settings, and the package's lazy exports."""

from __future__ import annotations

import asyncio
from pathlib import Path

import supportgraph.commerce as commerce
from supportgraph.commerce.factory import build_commerce
from supportgraph.commerce.http import HttpCommerce
from supportgraph.commerce.local import InProcessCommerce
from supportgraph.settings import Settings


def test_that_no_commerce_url_means_a_seeded_in_process_store(tmp_path: Path) -> None:
    port = build_commerce(Settings(data_dir=tmp_path, database_url="", commerce_url=""))

    assert isinstance(port, InProcessCommerce)
    assert (tmp_path / "store.db").exists()
    order = asyncio.run(port.get_order("#W2611340"))
    assert order is not None and order["user_id"] == "james_li_5688"
    asyncio.run(port.aclose())


def test_that_a_commerce_url_means_the_http_adapter(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, commerce_url="http://commerce:8000", service_token="t")

    port = build_commerce(settings)

    assert isinstance(port, HttpCommerce)
    assert not (tmp_path / "store.db").exists()
    asyncio.run(port.aclose())


def test_that_the_package_exports_its_adapters_lazily() -> None:
    assert commerce.Store.__name__ == "Store"
    assert commerce.HttpCommerce is HttpCommerce
    assert set(commerce.__all__) >= {"CommercePort", "ToolError", "build_commerce", "run_tool"}
