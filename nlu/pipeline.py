"""The NLU pipeline: intent, entities and sentiment of one message, from models loaded once."""

from __future__ import annotations

import threading
from pathlib import Path

from supportgraph.nlu.catalogue import Catalogue
from supportgraph.nlu.entities import EntityExtractor
from supportgraph.nlu.frame import split_requests, verb_family, verb_intent
from supportgraph.nlu.intent import IntentClassifier
from supportgraph.nlu.schema import INTENTS, Request, Understanding
from supportgraph.nlu.sentiment import sentiment
from supportgraph.nlu.text import fold
from supportgraph.nlu.train import ensure_intent_model

_loaded: dict[Path, NLU] = {}
_lock = threading.Lock()


class NLU:
    """Reads a customer message into an `Understanding`.

    Build it with `NLU.load(models_dir)`; instances are shared per directory, so the encoder,
    head and catalogue are loaded once per process.
    """

    def __init__(self, classifier: IntentClassifier, extractor: EntityExtractor) -> None:
        """Combine a classifier and an extractor; the labels must be product intents.

        Args:
            classifier: The trained intent classifier.
            extractor: The entity extractor.
        """
        unknown = set(classifier.labels) - set(INTENTS)
        if unknown:
            raise ValueError(f"intent model has labels outside INTENTS: {sorted(unknown)}")
        self.classifier = classifier
        self.extractor = extractor

    @classmethod
    def load(
        cls, models_dir: Path, *, catalogue: Catalogue | None = None, progress: bool = False
    ) -> NLU:
        """Load (training first if missing or stale) the product NLU from `models_dir`.

        Args:
            models_dir: Directory of trained models; the intent model lives in `intent/`.
            catalogue: Product catalogue for entities; the shipped store by default.
            progress: Show a progress bar if the intent model has to be trained.
        """
        key = Path(models_dir).resolve()
        with _lock:
            if key not in _loaded or catalogue is not None:
                model_dir = ensure_intent_model(key, progress=progress)
                nlu = cls(IntentClassifier.load(model_dir), EntityExtractor(catalogue))
                nlu.understand("hello")  # Warm the encoder so the first real turn is fast.
                if catalogue is not None:
                    return nlu
                _loaded[key] = nlu
            return _loaded[key]

    def understand(self, text: str) -> Understanding:
        """Classify, extract entities from and score the sentiment of one message.

        Args:
            text: The customer's message; read folded (`nlu.text.fold`).
        """
        text = fold(text or "")
        label, confidence, ranking = self.classifier.predict(text or " ")
        label = verb_intent(text or "") or label
        return Understanding(
            intent=label,
            confidence=confidence,
            entities=self.extractor.extract(text or ""),
            sentiment=sentiment(text),
            ranking=ranking,
        )

    def requests(self, text: str) -> list[Request]:
        """The separate requests of a message, in order; empty when it holds only one.

        Each piece from `split_requests` is classified and read on its own. A piece with the
        intent of the one before it, and no other order, continues that request.
        """
        pieces = split_requests(fold(text or ""))
        if len(pieces) < 2:
            return []
        out: list[Request] = []
        for piece in pieces:
            label = verb_intent(piece) or self.classifier.predict(piece)[0]
            entities = self.extractor.extract(piece)
            if out and _continues(out[-1], label, entities, piece):
                merged = f"{out[-1].text} {piece}"
                out[-1] = Request(out[-1].intent, self.extractor.extract(merged), merged)
                continue
            out.append(Request(label, entities, piece))
        return out if len(out) > 1 else []


def _continues(before: Request, intent: str, entities: dict[str, object], piece: str) -> bool:
    """Whether a piece goes on with the request before it rather than starting one.

    A piece naming another order starts a new request. One naming no order continues the
    request before it ("Can you modify order #W1? I'd like the lamp in black"), unless it
    starts another kind of action ("… Also cancel the blender").
    """
    orders = entities.get("order_ids") or []
    if orders and orders != before.entities.get("order_ids"):
        return False
    if intent == before.intent:
        return True
    family = verb_family(piece)
    return family is None or family == verb_family(before.text)
