"""The public intent benchmarks, read from the shared datasets folder and split for training.

Every set comes as train, validation and test. Validation is carved from train (CLINC150 ships
its own), and is the only split used to choose anything; test is read for scoring alone.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.model_selection import train_test_split

from supportgraph.settings import PACKAGE_DIR

SEED = 0
VAL_FRACTION = 0.1
BITEXT_TEST_FRACTION = 0.2
CLINC_OOS = "oos"
BITEXT_FILE = "bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv"


@dataclass(frozen=True)
class Split:
    """Texts and their labels, in the same order."""

    texts: list[str]
    labels: list[str]

    def __len__(self) -> int:
        """Number of rows."""
        return len(self.texts)


@dataclass(frozen=True)
class BenchSet:
    """One benchmark: its three splits and, when it has one, its out-of-scope label."""

    name: str
    train: Split
    val: Split
    test: Split
    oos_label: str | None = None


def datasets_dir() -> Path:
    """The shared datasets folder: `SUPPORTGRAPH_DATASETS_DIR`, else beside the repository."""
    override = os.environ.get("SUPPORTGRAPH_DATASETS_DIR", "").strip()
    return Path(override) if override else PACKAGE_DIR.parent / "shared" / "datasets"


def stratified_split(split: Split, fraction: float, *, seed: int = SEED) -> tuple[Split, Split]:
    """Split rows in two with every label kept in proportion; the same seed gives the same split.

    Args:
        split: Rows to split.
        fraction: Share of rows that goes to the second part.
        seed: Seed of the shuffle.
    """
    first, second = train_test_split(
        list(range(len(split))), test_size=fraction, random_state=seed, stratify=split.labels
    )
    return _take(split, sorted(first)), _take(split, sorted(second))


def _take(split: Split, rows: Sequence[int]) -> Split:
    return Split([split.texts[i] for i in rows], [split.labels[i] for i in rows])


def _clean(pairs: Sequence[tuple[str, str]]) -> Split:
    rows = [(t.strip(), lab.strip()) for t, lab in pairs if t and t.strip() and lab]
    return Split([t for t, _ in rows], [lab for _, lab in rows])


def _csv(path: Path, text: str, label: str) -> Split:
    with path.open(encoding="utf-8", newline="") as f:
        return _clean([(r[text], r[label]) for r in csv.DictReader(f)])


def load_banking77(root: Path) -> BenchSet:
    """BANKING77: 77 banking intents; validation is a tenth of train."""
    train, val = stratified_split(
        _csv(root / "banking77/train.csv", "text", "category"), VAL_FRACTION
    )
    test = _csv(root / "banking77/test.csv", "text", "category")
    return BenchSet("banking77", train, val, test)


def load_clinc150(root: Path) -> BenchSet:
    """CLINC150 (full): 150 intents plus out-of-scope, each split joined with its oos rows."""
    data = json.loads((root / "clinc150/data_full.json").read_text(encoding="utf-8"))

    def joined(name: str) -> Split:
        return _clean([(t, lab) for t, lab in data[name] + data[f"oos_{name}"]])

    return BenchSet("clinc150", joined("train"), joined("val"), joined("test"), CLINC_OOS)


def load_bitext(root: Path) -> BenchSet:
    """Bitext customer support: 27 intents; a seeded stratified 80/20 split, then val from 80."""
    rows = _csv(root / BITEXT_FILE, "instruction", "intent")
    train, test = stratified_split(rows, BITEXT_TEST_FRACTION)
    train, val = stratified_split(train, VAL_FRACTION)
    return BenchSet("bitext", train, val, test)


LOADERS: dict[str, Callable[[Path], BenchSet]] = {
    "banking77": load_banking77,
    "clinc150": load_clinc150,
    "bitext": load_bitext,
}
