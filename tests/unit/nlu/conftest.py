"""Shared NLU fixtures: the product intent model, trained once and cached between runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from supportgraph.nlu.pipeline import NLU
from supportgraph.nlu.train import ensure_intent_model

REPO = Path(__file__).resolve().parents[3]
# The same cache as the end-to-end suite: training takes about two minutes on two cores, and
# `ensure_intent_model` retrains whenever the shipped training data changes.
CACHE = Path(os.environ.get("SUPPORTGRAPH_TEST_CACHE", REPO / ".data" / "test-cache"))


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """A models directory holding the product intent model trained from the shipped data."""
    directory = CACHE / "models"
    ensure_intent_model(directory)
    return directory


@pytest.fixture(scope="session")
def nlu(models_dir: Path) -> NLU:
    """The product NLU pipeline loaded from `models_dir`."""
    return NLU.load(models_dir)
