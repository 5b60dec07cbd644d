"""The intent-set builder: seeded, within the label set, and reproducing the shipped file."""

from __future__ import annotations

import json
import random

import pytest

from supportgraph.nlu.dataset import DATASETS_DIR, TRAIN_PATH, build_training_set, generate
from supportgraph.nlu.schema import INTENTS
from supportgraph.nlu.templates import TASK_TEMPLATES
from supportgraph.nlu.vocab import StoreVocab


def _rows(seed: int) -> list[dict]:
    vocab = StoreVocab(random.Random(seed))
    return generate(
        TASK_TEMPLATES,
        vocab,
        dict.fromkeys(TASK_TEMPLATES, 5),
        compose_labels=set(TASK_TEMPLATES),
        source="template",
    )


def test_that_generation_is_seeded_and_uses_product_labels() -> None:
    rows = _rows(1)
    assert rows == _rows(1) and rows != _rows(2)
    assert {r["label"] for r in rows} <= set(INTENTS)
    assert all("{" not in r["text"] for r in rows)


@pytest.mark.skipif(not (DATASETS_DIR / "clinc150").exists(), reason="public datasets absent")
def test_that_the_builder_reproduces_the_shipped_training_file() -> None:
    rebuilt = [{"text": r["text"], "label": r["label"]} for r in build_training_set()]
    shipped = [json.loads(line) for line in TRAIN_PATH.read_text().splitlines()]
    assert rebuilt == shipped
