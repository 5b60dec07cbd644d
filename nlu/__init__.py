"""Natural-language understanding: intents, entities and sentiment."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from supportgraph.nlu.schema import ENTITY_KEYS, INTENTS, Understanding

# Heavy modules (scikit-learn, the encoder) load on first use, so importing the contract from
# `supportgraph.nlu.schema` stays cheap for the graph and the flows.
_LAZY = {
    "NLU": "supportgraph.nlu.pipeline",
    "IntentClassifier": "supportgraph.nlu.intent",
    "IntentPrediction": "supportgraph.nlu.intent",
    "EntityExtractor": "supportgraph.nlu.entities",
    "Catalogue": "supportgraph.nlu.catalogue",
    "train_intents": "supportgraph.nlu.train",
    "ensure_intent_model": "supportgraph.nlu.train",
    "evaluate_heldout": "supportgraph.nlu.train",
    "TrainReport": "supportgraph.nlu.train",
}

__all__ = ["ENTITY_KEYS", "INTENTS", "Understanding", *_LAZY]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is used."""
    if name not in _LAZY:
        raise AttributeError(f"module 'supportgraph.nlu' has no attribute {name!r}")
    return getattr(import_module(_LAZY[name]), name)
