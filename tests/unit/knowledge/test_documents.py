"""Tests for loading the policy sections and the FAQ as knowledge-base documents."""

from __future__ import annotations

import json

from supportgraph.knowledge.documents import FAQ_PATH, load_documents, split_policy


def test_that_every_document_has_a_unique_id_and_non_empty_text(documents):
    ids = [d.id for d in documents]
    assert len(ids) == len(set(ids))
    assert all(d.text.strip() and d.title.strip() for d in documents)
    assert {d.source for d in documents} == {"policy", "faq"}


def test_that_policy_sections_keep_their_heading_path_in_the_title(documents):
    by_id = {d.id: d for d in documents}
    payment = by_id["policy/modify-payment"]
    assert payment.title == "Retail agent policy > Modify pending order > Modify payment"
    assert "single payment method" in payment.text
    assert "policy/cancel-pending-order" in by_id


def test_that_ids_are_stable_across_loads():
    assert [d.id for d in load_documents()] == [d.id for d in load_documents()]


def test_that_the_faq_has_about_forty_well_formed_entries():
    entries = [json.loads(line) for line in FAQ_PATH.read_text().splitlines() if line.strip()]
    assert 35 <= len(entries) <= 60
    for entry in entries:
        assert set(entry) == {"id", "question", "answer", "tags"}
        assert entry["question"].endswith("?") and entry["answer"] and entry["tags"]


def test_that_the_faq_does_not_invent_policies_the_store_does_not_have():
    # The store policy states no fees, coupons or return windows; the FAQ must not either.
    text = FAQ_PATH.read_text().lower()
    for invented in ("30 days", "restocking fee", "free shipping", "coupon code", "% off"):
        assert invented not in text


def test_that_text_before_the_first_subheading_becomes_its_own_section():
    docs = split_policy("# Title\nintro\n## Part A\nalpha\n### Detail\nbeta\n## Part B\ngamma\n")
    assert [(d.id, d.title) for d in docs] == [
        ("policy/title", "Title"),
        ("policy/part-a", "Title > Part A"),
        ("policy/detail", "Title > Part A > Detail"),
        ("policy/part-b", "Title > Part B"),
    ]
