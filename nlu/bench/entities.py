"""Entity extraction scored by value on Bitext customer support and the τ-bench train set.

Values are compared after normalisation (case and spacing; order ids as their digits without
leading zeros; amounts as numbers), as sets per row. Precision counts every row of a set, so a
value read from a row with no gold of its type is a false positive.

Bitext annotates one entity per row, and its offsets and values are often cut short ('12' for
'1200 dollars', '3707955617' for '370795561790'); a numeric gold value is therefore widened to
the whole number in the text that it starts. Its person names are people the customer mentions
('the bill from Mr. Jones'), scored by surname. Its types with no counterpart in the entity
contract are counted, not scored.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from supportgraph.nlu.bench.data import BITEXT_FILE
from supportgraph.nlu.bench.entity_sets import TAU_ENTITY_FILE
from supportgraph.nlu.entities import EntityExtractor

BITEXT_TYPES = {"order_id": "order_ids", "person_name": "names", "refund_amount": "amounts"}
"""Bitext entity types and the entity they are scored as."""
TAU_TYPES = (
    "first_name",
    "last_name",
    "email",
    "zip",
    "order_ids",
    "payment_method_id",
    "product_types",
    "option_values",
    "reason",
    "amounts",
    "dates",
)
"""Entities scored on the τ-bench set; those with neither gold nor predictions are left out."""


@dataclass(frozen=True)
class LabelledRow:
    """One message and its gold values per entity, normalised."""

    text: str
    gold: dict[str, set[str]]


@dataclass(frozen=True)
class TypeScore:
    """Counts and rates of one entity type (or of all, for the micro average)."""

    entity: str
    gold: int
    predicted: int
    true_positives: int
    precision: float | None
    """None when nothing was predicted."""
    recall: float | None
    """None when there is no gold value."""
    f1: float | None


@dataclass(frozen=True)
class EntityResult:
    """One labelled set's scores."""

    dataset: str
    rows: int
    types: list[TypeScore]
    micro: TypeScore
    not_extracted: dict[str, int]
    """Gold types the extractor has no counterpart for, with their gold counts."""


def normalise(entity: str, value: Any) -> str:
    """The form in which a gold or predicted value of `entity` is compared."""
    if entity == "order_ids":
        return re.sub(r"\D", "", str(value)).lstrip("0") or "0"
    if entity == "amounts":
        return f"{float(str(value).replace(',', '')):.2f}".rstrip("0").rstrip(".")
    return " ".join(str(value).lower().split())


def predicted_values(entities: dict[str, Any], types: Iterable[str]) -> dict[str, set[str]]:
    """The extractor's output as normalised value sets; `names` is the surname read, if any."""
    out: dict[str, set[str]] = {}
    for entity in types:
        if entity == "names":
            raw: Any = entities.get("last_name") or entities.get("first_name")
        else:
            raw = entities.get(entity)
        values = raw if isinstance(raw, list) else [] if raw is None else [raw]
        out[entity] = {normalise(entity, v) for v in values}
    return out


def _rates(entity: str, gold: int, predicted: int, hits: int) -> TypeScore:
    precision = hits / predicted if predicted else None
    recall = hits / gold if gold else None
    f1 = 2 * hits / (gold + predicted) if gold + predicted else None
    return TypeScore(entity, gold, predicted, hits, precision, recall, f1)


def score_rows(
    dataset: str,
    rows: Sequence[LabelledRow],
    predictions: Sequence[dict[str, set[str]]],
    types: Sequence[str],
    *,
    not_extracted: dict[str, int] | None = None,
    keep_empty: bool = True,
) -> EntityResult:
    """Score predicted value sets against gold, per type and micro-averaged.

    Args:
        dataset: Name of the set.
        rows: Gold rows.
        predictions: Normalised predicted values per row, in the order of `rows`.
        types: Entity types scored.
        not_extracted: Gold types that are only counted.
        keep_empty: Keep types with neither gold nor predicted values in the table.
    """
    if len(rows) != len(predictions):
        raise ValueError("rows and predictions differ in length")
    scores = []
    for entity in types:
        gold = [r.gold.get(entity, set()) for r in rows]
        pred = [p.get(entity, set()) for p in predictions]
        hits = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
        s = _rates(entity, sum(map(len, gold)), sum(map(len, pred)), hits)
        if keep_empty or s.gold or s.predicted:
            scores.append(s)
    micro = _rates(
        "micro",
        sum(s.gold for s in scores),
        sum(s.predicted for s in scores),
        sum(s.true_positives for s in scores),
    )
    return EntityResult(dataset, len(rows), scores, micro, dict(not_extracted or {}))


def _widen(value: str, text: str) -> str:
    """A numeric gold value as the whole number in the text that it equals or starts."""
    if not value.isdigit():
        return value
    runs = re.findall(r"\d+", text)
    same = [r for r in runs if r.lstrip("0") == value.lstrip("0")]
    longer = [r for r in runs if r.lstrip("0").startswith(value.lstrip("0"))]
    return (same or longer or [value])[0]


def load_bitext_entities(root: Path) -> tuple[list[LabelledRow], dict[str, int]]:
    """Bitext rows with gold mapped onto the entity contract, and the counts of unmapped types.

    Args:
        root: The shared datasets folder (`nlu.bench.data.datasets_dir()`).
    """
    rows: list[LabelledRow] = []
    unmapped: dict[str, int] = {}
    with (root / BITEXT_FILE).open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            text, kind, value = r["instruction"], r["entity_type"], r["entity_value"].strip()
            gold: dict[str, set[str]] = {}
            if kind in BITEXT_TYPES and value:
                entity = BITEXT_TYPES[kind]
                value = value.split()[-1] if entity == "names" else _widen(value, text)
                gold[entity] = {normalise(entity, value)}
            elif kind:
                unmapped[kind] = unmapped.get(kind, 0) + 1
            rows.append(LabelledRow(text, gold))
    return rows, dict(sorted(unmapped.items()))


def load_tau_entities(path: Path = TAU_ENTITY_FILE) -> list[LabelledRow]:
    """The committed τ-bench train entity set (see `nlu.bench.entity_sets`)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            gold = {
                k: {normalise(k, x) for x in (v if isinstance(v, list) else [v])}
                for k, v in doc["outputs"]["entities"].items()
            }
            rows.append(LabelledRow(doc["inputs"]["text"], gold))
    return rows


def run_entities(
    datasets_root: Path,
    extractor: EntityExtractor | None = None,
    tau_path: Path = TAU_ENTITY_FILE,
) -> list[EntityResult]:
    """Run the extractor on both sets and score it: Bitext first, then τ-bench train.

    Args:
        datasets_root: The shared datasets folder holding Bitext.
        extractor: The extractor to measure; the product one with the shipped catalogue if None.
        tau_path: The τ-bench entity set, the committed file by default.
    """
    extractor = extractor or EntityExtractor()
    bitext, unmapped = load_bitext_entities(datasets_root)
    types = list(dict.fromkeys(BITEXT_TYPES.values()))
    pred = [predicted_values(extractor.extract(r.text), types) for r in bitext]
    results = [score_rows("bitext", bitext, pred, types, not_extracted=unmapped)]
    tau = load_tau_entities(tau_path)
    pred = [predicted_values(extractor.extract(r.text), TAU_TYPES) for r in tau]
    results.append(score_rows("tau-train", tau, pred, TAU_TYPES, keep_empty=False))
    return results


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f} %"


def _line(dataset: str, s: TypeScore) -> str:
    return (
        f"| {dataset} | {s.entity} | {s.gold:,} | {s.predicted:,} | {_pct(s.precision)} "
        f"| {_pct(s.recall)} | {_pct(s.f1)} |"
    )


def markdown(results: Sequence[EntityResult]) -> str:
    """One markdown table: a row per set and entity type, then the set's micro average.

    Args:
        results: The scored sets, as `run_entities` returns them.
    """
    lines = [
        "Entity extraction, matched by normalised value; precision counts every row of a set.",
        "",
        "| Set | Entity | Gold | Predicted | Precision | Recall | F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines += [_line(r.dataset, s) for s in r.types]
        lines += [
            f"| {r.dataset} | {kind} | {n:,} | – | not extracted | – | – |"
            for kind, n in r.not_extracted.items()
        ]
        micro = replace(r.micro, entity=f"micro, {r.rows:,} rows")
        lines.append(_line(r.dataset, micro))
    return "\n".join(lines) + "\n"
