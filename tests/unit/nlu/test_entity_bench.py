"""The entity benchmark on tiny synthetic data: normalisation, counting, loaders, table, set."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from supportgraph.nlu.bench.data import BITEXT_FILE
from supportgraph.nlu.bench.entities import (
    LabelledRow,
    load_bitext_entities,
    load_tau_entities,
    markdown,
    normalise,
    predicted_values,
    run_entities,
    score_rows,
)
from supportgraph.nlu.bench.entity_sets import task_rows


@pytest.mark.parametrize(
    "entity, a, b",
    [
        ("order_ids", "#W00123842", "123842"),
        ("order_ids", "#w1234567", "1234567"),
        ("amounts", 1200.0, "1,200"),
        ("amounts", "19.90", 19.9),
        ("first_name", " Mei ", "mei"),
        ("option_values", "Space  Grey", "space grey"),
    ],
)
def test_that_normalised_values_match_across_spellings(entity, a, b) -> None:
    assert normalise(entity, a) == normalise(entity, b)


def test_that_different_numbers_stay_different() -> None:
    assert normalise("order_ids", "#W1234567") != normalise("order_ids", "#W1234568")
    assert normalise("amounts", "12") != normalise("amounts", "1200")


def test_that_predicted_values_take_lists_scalars_and_the_surname() -> None:
    got = predicted_values(
        {"order_ids": ["#W1", "#W2"], "zip": "12345", "last_name": "Jones"},
        ["order_ids", "zip", "names", "email"],
    )
    assert got == {"order_ids": {"1", "2"}, "zip": {"12345"}, "names": {"jones"}, "email": set()}
    assert predicted_values({"first_name": "Ana"}, ["names"]) == {"names": {"ana"}}


def test_that_a_value_read_from_a_row_without_gold_is_a_false_positive() -> None:
    rows = [LabelledRow("a", {"order_ids": {"1"}}), LabelledRow("b", {})]
    pred = [{"order_ids": {"1"}}, {"order_ids": {"2"}}]
    (s,) = score_rows("toy", rows, pred, ["order_ids"]).types
    assert (s.gold, s.predicted, s.true_positives) == (1, 2, 1)
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(1.0)
    assert s.f1 == pytest.approx(2 / 3)


def test_that_the_micro_average_sums_counts_over_types() -> None:
    rows = [
        LabelledRow("a", {"zip": {"1"}, "email": {"x"}}),
        LabelledRow("b", {"zip": {"2"}, "email": {"y"}}),
    ]
    pred = [{"zip": {"1"}, "email": {"z"}}, {"zip": {"2"}, "email": set()}]
    result = score_rows("toy", rows, pred, ["zip", "email"])
    assert [(s.entity, s.true_positives) for s in result.types] == [("zip", 2), ("email", 0)]
    m = result.micro
    assert (m.gold, m.predicted, m.true_positives) == (4, 3, 2)
    assert m.precision == pytest.approx(2 / 3)
    assert m.recall == pytest.approx(1 / 2)


def test_that_empty_types_are_dropped_only_when_asked_and_rates_are_none() -> None:
    rows, pred = [LabelledRow("a", {})], [{}]
    kept = score_rows("toy", rows, pred, ["dates"])
    assert kept.types[0].precision is None and kept.types[0].recall is None
    assert score_rows("toy", rows, pred, ["dates"], keep_empty=False).types == []
    with pytest.raises(ValueError):
        score_rows("toy", rows, [], ["dates"])


def _bitext(root: Path, rows: list[tuple[str, str, str]]) -> Path:
    path = root / BITEXT_FILE
    path.parent.mkdir(parents=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["instruction", "entity_type", "entity_value", "start_offset", "end_offset"])
        w.writerows([(text, kind, value, 0, 0) for text, kind, value in rows])
    return root


def test_that_bitext_gold_is_mapped_widened_and_unmapped_types_are_counted(tmp_path) -> None:
    root = _bitext(
        tmp_path,
        [
            ("refund 1200 dollars", "refund_amount", "12"),
            ("i paid $160, refund $1", "refund_amount", "1"),
            ("cancel purchase 00004587345", "order_id", "4587345"),
            ("check order 370795561790", "order_id", "3707955617"),
            ("the bill from Mr. Jones", "person_name", "Mr. Jones"),
            ("get invoice #00108", "invoice_id", "#00108"),
            ("hello there", "", ""),
        ],
    )
    rows, unmapped = load_bitext_entities(root)
    assert [r.gold for r in rows] == [
        {"amounts": {"1200"}},
        {"amounts": {"1"}},
        {"order_ids": {"4587345"}},
        {"order_ids": {"370795561790"}},
        {"names": {"jones"}},
        {},
        {},
    ]
    assert unmapped == {"invoice_id": 1}


class _FakeExtractor:
    """Reads a fixed answer per text, so the plumbing is tested without the real rules."""

    def __init__(self, answers: dict[str, dict[str, Any]]) -> None:
        self.answers = answers

    def extract(self, text: str) -> dict[str, Any]:
        return self.answers.get(text, {})


def test_that_run_entities_scores_both_sets_and_renders_one_table(tmp_path) -> None:
    root = _bitext(tmp_path / "shared", [("cancel order 1234567", "order_id", "1234567")])
    tau = tmp_path / "tau.jsonl"
    doc = {
        "inputs": {"text": "cancel #W7654321"},
        "outputs": {"entities": {"order_ids": ["#W7654321"]}},
    }
    tau.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    fake = _FakeExtractor(
        {"cancel order 1234567": {"order_ids": ["#W1234567"]}, "cancel #W7654321": {"zip": "1"}}
    )
    bitext, tau_set = run_entities(root, extractor=fake, tau_path=tau)  # type: ignore[arg-type]
    assert bitext.dataset == "bitext" and bitext.micro.true_positives == 1
    assert [s.entity for s in tau_set.types] == ["zip", "order_ids"]
    assert tau_set.micro.precision == 0.0 and tau_set.micro.recall == 0.0
    assert load_tau_entities(tau)[0].gold == {"order_ids": {"7654321"}}
    table = markdown([bitext, tau_set])
    assert "| bitext | order_ids | 1 | 1 | 100.0 % | 100.0 % | 100.0 % |" in table
    assert "| bitext | names | 0 | 0 | – | – | – |" in table
    assert "| tau-train | micro, 1 rows |" in table


def test_that_the_unmapped_bitext_types_show_as_not_extracted() -> None:
    result = score_rows("bitext", [], [], [], not_extracted={"invoice_id": 3})
    assert "| bitext | invoice_id | 3 | – | not extracted | – | – |" in markdown([result])


TASK = {
    "user_id": "ana_lee_1234",
    "instruction": (
        "Your name is Ana Lee and your zip code is 12345. You are polite. "
        "Cancel order #W1111111 because ordered by mistake. "
        "For #W2222222, change address to {'order_id': '#W2222222', 'address1': '1 Elm Street', "
        "'address2': 'Suite 2', 'city': 'Austin', 'country': 'USA', 'state': 'TX', "
        "'zip': '73301'} (same as #W1111111). "
        "For #W3333333, modify Grill {'type': 'gas', 'size': 'medium'} to {'type': 'charcoal'}; "
        "via paypal_1234567. "
    ),
    "actions": [
        {"name": "cancel_pending_order", "kwargs": {"order_id": "#W1111111"}},
        {"name": "modify_pending_order_address", "kwargs": {"order_id": "#W2222222"}},
        {"name": "modify_pending_order_items", "kwargs": {"order_id": "#W3333333"}},
    ],
}
USER = {
    "name": {"first_name": "Ana", "last_name": "Lee"},
    "address": {"zip": "12345"},
    "email": "ana.lee@example.com",
}


@pytest.mark.parametrize("seed", range(5))
def test_that_every_built_row_labels_only_what_its_text_says(seed) -> None:
    rows = task_rows(0, TASK, USER, seed)
    kinds = [r["metadata"]["kind"] for r in rows]
    assert kinds == ["identify_zip", "cancel", "address", "modify", "intro_request"]
    by_kind = {r["metadata"]["kind"]: r["outputs"]["entities"] for r in rows}
    assert by_kind["cancel"] == {"order_ids": ["#W1111111"], "reason": "ordered by mistake"}
    assert "zip" not in by_kind["address"]
    assert by_kind["modify"]["option_values"] == ["gas", "medium", "charcoal"]
    assert by_kind["identify_zip"]["zip"] == "12345"
    for row in rows:
        text = row["inputs"]["text"].lower()
        for key, value in row["outputs"]["entities"].items():
            values = value if isinstance(value, list) else [value]
            if key != "reason":
                assert all(v.lower().removeprefix("#w") in text for v in values), (key, text)


def test_that_the_same_seed_writes_the_same_rows() -> None:
    assert task_rows(0, TASK, USER, 3) == task_rows(0, TASK, USER, 3)
    seeds = {json.dumps(task_rows(0, TASK, USER, s)) for s in range(8)}
    assert len(seeds) > 1
