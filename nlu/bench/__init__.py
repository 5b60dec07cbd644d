"""Public intent benchmarks (BANKING77, CLINC150, Bitext): train, tune, score and time."""

from __future__ import annotations

from supportgraph.nlu.bench.data import LOADERS, BenchSet, Split, datasets_dir, stratified_split
from supportgraph.nlu.bench.metrics import Scores, percentiles_ms, score
from supportgraph.nlu.bench.report import Result, markdown, write_json

__all__ = [
    "LOADERS",
    "BenchSet",
    "Result",
    "Scores",
    "Split",
    "datasets_dir",
    "markdown",
    "percentiles_ms",
    "score",
    "stratified_split",
    "write_json",
]
