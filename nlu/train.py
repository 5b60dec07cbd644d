"""Train, tune and save the intent classifier; retrain the product model when its data changes."""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from tqdm import tqdm

from supportgraph.nlu.dataset import HELDOUT_PATH, TRAIN_PATH
from supportgraph.nlu.embeddings import EMBEDDING_DIM, embed
from supportgraph.nlu.evaluate import evaluate_heldout
from supportgraph.nlu.intent import (
    HEAD_FILE,
    META_FILE,
    MODEL_FORMAT,
    OUT_OF_SCOPE,
    IntentClassifier,
)
from supportgraph.settings import get_settings

__all__ = ["TrainReport", "ensure_intent_model", "evaluate_heldout", "read_rows", "train_intents"]

C_GRID = (4.0, 16.0, 64.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.0, 0.71, 0.05))
EMBED_CHUNK = 256
IN_SCOPE_BUDGET = 0.0
ENCODER = "all-MiniLM-L6-v2"
EMBEDDINGS_FILE = "embeddings.npz"
"""Sentence vectors of the last training run, kept beside the model so a retrain after a data
change encodes only the new rows."""


@dataclass(frozen=True)
class TrainReport:
    """What one training run produced and how it scored on its validation split."""

    model_dir: str
    rows: int
    train_rows: int
    val_rows: int
    c: float
    threshold: float
    accuracy: float
    macro_f1: float
    seconds: float
    data_sha256: str


def read_rows(path: Path) -> tuple[list[str], list[str]]:
    """Read (texts, labels) from a CSV with `text,label` columns or from JSON lines."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as f:
        if path.suffix.lower() == ".csv":
            rows = [(r["text"], r["label"]) for r in csv.DictReader(f)]
        else:
            rows = [(d["text"], d["label"]) for d in map(json.loads, filter(str.strip, f))]
    rows = [(t.strip(), lab.strip()) for t, lab in rows if t and t.strip() and lab]
    if len({lab for _, lab in rows}) < 2:
        raise ValueError(f"{path}: need at least two labels to train a classifier")
    return [t for t, _ in rows], [lab for _, lab in rows]


def data_hash(path: Path) -> str:
    """SHA-256 of a data file's bytes: the staleness key of a trained model."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _fit(x: np.ndarray, y: list[str], c: float) -> LogisticRegression:
    # Balanced weights keep the short small-talk classes from being swamped by out_of_scope.
    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)


def _score(head: LogisticRegression, x: np.ndarray, y: list[str], threshold: float) -> tuple:
    """Validation (accuracy, macro-F1, accuracy on in-scope rows) at one threshold."""
    preds = IntentClassifier(head, threshold=threshold).predict_vectors(x)
    labels = [p.label for p in preds]
    in_scope = [(g, p) for g, p in zip(y, labels, strict=True) if g != OUT_OF_SCOPE]
    kept = sum(g == p for g, p in in_scope) / max(len(in_scope), 1)
    macro_f1 = f1_score(y, labels, average="macro", zero_division=0)
    return accuracy_score(y, labels), macro_f1, kept


def train_intents(
    data: Path, out: Path, *, progress: bool = True, seed: int = 0, val_fraction: float = 0.15
) -> TrainReport:
    """Fit the intent head on `data`, tune C and the out-of-scope threshold, save to `out`.

    A seeded stratified split is held out for validation. C is chosen by validation macro-F1,
    then the out-of-scope threshold is the highest one that costs in-scope rows at most
    IN_SCOPE_BUDGET of validation accuracy. The reported scores are the validation scores at
    that threshold; the saved head is refit on every row with the chosen C.

    Args:
        data: CSV (`text,label`) or JSONL (`{"text","label"}`) training file.
        out: Model directory to (over)write.
        progress: Show a progress bar over embedding and fitting.
        seed: Seed of the validation split.
        val_fraction: Share of rows held out for validation.
    """
    start = time.perf_counter()
    texts, labels = read_rows(data)
    n_labels = len(set(labels))
    known = _saved_vectors(Path(out) / EMBEDDINGS_FILE)
    x = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    todo = []
    for i, text in enumerate(texts):
        if text in known:
            x[i] = known[text]
        else:
            todo.append(i)
    # Encoding texts of similar length together wastes least time on padding.
    by_length = [todo[i] for i in np.argsort([len(texts[i]) for i in todo], kind="stable")]
    chunks = [by_length[i : i + EMBED_CHUNK] for i in range(0, len(todo), EMBED_CHUNK)]
    bar = tqdm(total=len(chunks) + len(C_GRID) + 1, desc="intent model", disable=not progress)
    for chunk in chunks:
        x[chunk] = embed([texts[i] for i in chunk], batch_size=EMBED_CHUNK)
        bar.update()
    idx = np.arange(len(texts))
    val_size = max(int(round(len(texts) * val_fraction)), n_labels)
    tr, va = train_test_split(idx, test_size=val_size, random_state=seed, stratify=labels)
    y_tr, y_va = [labels[i] for i in tr], [labels[i] for i in va]
    best = (-1.0, 0.0, None)
    for c in C_GRID:
        head = _fit(x[tr], y_tr, c)
        f1 = _score(head, x[va], y_va, 0.0)[1]
        best = max(best, (f1, c, head), key=lambda b: b[0])
        bar.update()
    _, c, head = best
    scores = {t: _score(head, x[va], y_va, t) for t in THRESHOLDS}
    # The threshold exists to turn away unfamiliar requests, but each rejection of a real
    # request costs a customer a turn. Validation rows share templates with training rows, so
    # they look more familiar than live traffic; the budget is therefore zero: the highest
    # threshold that rejects no in-scope validation row the head got right.
    floor = scores[THRESHOLDS[0]][2] - IN_SCOPE_BUDGET
    threshold = max(t for t in THRESHOLDS if scores[t][2] >= floor - 1e-9)
    accuracy, macro_f1, _ = scores[threshold]
    final = _fit(x, labels, c)
    bar.update()
    bar.close()
    report = TrainReport(
        model_dir=str(out),
        rows=len(texts),
        train_rows=len(tr),
        val_rows=len(va),
        c=c,
        threshold=float(threshold),
        accuracy=round(float(accuracy), 4),
        macro_f1=round(float(macro_f1), 4),
        seconds=round(time.perf_counter() - start, 1),
        data_sha256=data_hash(data),
    )
    meta = {
        **asdict(report),
        "data": str(data),
        "trained_at": datetime.now(UTC).isoformat(),
        "encoder": ENCODER,
        "oos_label": OUT_OF_SCOPE,
    }
    IntentClassifier(final, threshold=threshold, meta=meta).save(Path(out))
    _save_vectors(Path(out) / EMBEDDINGS_FILE, texts, x)
    return report


def _saved_vectors(path: Path) -> dict[str, np.ndarray]:
    """Text -> vector from an earlier run's file, if it was made by the same encoder."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            if str(saved["encoder"]) != ENCODER:
                return {}
            return dict(zip(saved["texts"].tolist(), saved["vectors"], strict=True))
    except (OSError, KeyError, ValueError):
        return {}


def _save_vectors(path: Path, texts: list[str], vectors: np.ndarray) -> None:
    # Written aside and renamed, like the model files, so a concurrent reader never sees half.
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
    np.savez(tmp, encoder=np.array(ENCODER), texts=np.array(texts), vectors=vectors)
    os.replace(tmp, path)


def ensure_intent_model(
    models_dir: Path, data: Path = TRAIN_PATH, *, progress: bool = False
) -> Path:
    """Return `models_dir/intent`, training it first if it is missing or stale.

    Stale means the saved data hash differs from `data`'s, or the saved layout is older.

    Args:
        models_dir: Directory holding the product's trained models.
        data: The intent training set.
        progress: Show a progress bar if training is needed.
    """
    target = Path(models_dir) / "intent"
    meta_path = target / META_FILE
    if meta_path.exists() and (target / HEAD_FILE).exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("data_sha256") == data_hash(data) and meta.get("format") == MODEL_FORMAT:
            return target
    train_intents(data, target, progress=progress)
    return target


def main(argv: list[str] | None = None) -> None:
    """Train the intent model and print its validation and held-out scores."""
    parser = argparse.ArgumentParser(description="Train the intent classifier.")
    parser.add_argument("--data", type=Path, default=TRAIN_PATH)
    parser.add_argument("--out", type=Path, default=get_settings().models_dir / "intent")
    parser.add_argument("--heldout", type=Path, default=HELDOUT_PATH)
    parser.add_argument("--confusion", type=Path, help="confusion table path (.md or .csv)")
    args = parser.parse_args(argv)
    report = train_intents(args.data, args.out)
    print(report)  # noqa: T201
    confusion = args.confusion or args.out / "heldout_confusion.md"
    print(evaluate_heldout(args.out, args.heldout, confusion))  # noqa: T201


if __name__ == "__main__":
    main()
