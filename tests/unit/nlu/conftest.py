"""Shared NLU fixtures: the product intent model, trained once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportgraph.nlu.pipeline import NLU
from supportgraph.nlu.train import ensure_intent_model


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models directory holding the product intent model trained from the shipped data."""
    directory = tmp_path_factory.mktemp("models")
    ensure_intent_model(directory)
    return directory


@pytest.fixture(scope="session")
def nlu(models_dir: Path) -> NLU:
    """The product NLU pipeline loaded from `models_dir`."""
    return NLU.load(models_dir)
