"""Seeded builder of the intent training set and its held-out evaluation set.

Run `python -m supportgraph.nlu.dataset` to rewrite `data/nlu/intents.jsonl` (text, label)
and `data/nlu/intents_heldout.jsonl` (text, label, source). Training rows come from the
templates in `nlu.templates`, `nlu.templates_talk` and `nlu.templates_answers` filled with
store vocabulary, plus
mapped Bitext and CLINC150 rows. Held-out rows come from other templates, another seed, the
held-out fifth of Bitext, CLINC150 validation data and τ-bench train/dev task instructions.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
from collections import Counter
from pathlib import Path

from supportgraph.nlu.noise import add_noise
from supportgraph.nlu.public_sets import BITEXT_MAP, bitext_rows, clinc_rows
from supportgraph.nlu.schema import INTENTS
from supportgraph.nlu.tau_tasks import tau_rows
from supportgraph.nlu.templates import TASK_TEMPLATES
from supportgraph.nlu.templates_answers import ANSWER_TEMPLATES
from supportgraph.nlu.templates_heldout import HELDOUT_TEMPLATES
from supportgraph.nlu.templates_talk import TALK_TEMPLATES
from supportgraph.nlu.vocab import StoreVocab
from supportgraph.settings import PACKAGE_DIR, SHIPPED_DATA_DIR

NLU_DATA_DIR = SHIPPED_DATA_DIR / "nlu"
TRAIN_PATH = NLU_DATA_DIR / "intents.jsonl"
HELDOUT_PATH = NLU_DATA_DIR / "intents_heldout.jsonl"
# The public datasets sit beside the checkout, in ../shared/datasets, unless told otherwise.
DATASETS_DIR = Path(
    os.environ.get("SUPPORTGRAPH_DATASETS_DIR", PACKAGE_DIR.parent / "shared" / "datasets")
)
TRAIN_SEED, HELDOUT_SEED = 13, 7
STATUS_WORDS = ["pending", "delivered", "still pending", "already delivered", "processed", "newer"]
ANSWER_COUNTS = {"identify": 240, "cancel_order": 60, "goodbye": 50}
"""Rows per label drawn from the bare-answer templates, on top of the others."""

INTROS = [
    "Hi, I'm {name}, zip {zip}. ",
    "Hello, my name is {name} and my zip code is {zip}. ",
    "hey this is {name} ({email}). ",
    "My email is {email}. ",
    "{name} here, zip {zip}. ",
    "Hi, ",
    "Hello! ",
    "Hey there. ",
    "Good morning. ",
    "I have a question about an order. ",
    "Quick one. ",
    "I'm writing about something I bought. ",
]
OUTROS = [
    " Thanks.",
    " Thank you!",
    " Can you help?",
    " Please let me know.",
    " I'm in a bit of a hurry.",
    " thx",
    " Appreciate it.",
]
BITEXT_CAPS = {
    "cancel_order": 45,
    "change_order": 30,
    "change_shipping_address": 25,
    "set_up_shipping_address": 30,
    "track_order": 30,
    "delivery_period": 20,
    "track_refund": 15,
    "check_refund_policy": 35,
    "check_payment_methods": 15,
    "contact_human_agent": 45,
    "contact_customer_service": 20,
    "complaint": 45,
}


class _Slots(dict):
    """Template slots sampled on first use, so one message stays self-consistent."""

    def __init__(self, vocab: StoreVocab) -> None:
        super().__init__()
        self.vocab = vocab
        self.name1, self.prod = vocab.product()
        self.name2, self.prod2 = vocab.product()
        self.user = vocab.user()

    def __missing__(self, key: str) -> str:
        v, user = self.vocab, self.user
        values = {
            "order": v.order,
            "order2": v.order,
            "pay": v.payment,
            "card": v.card,
            "address": v.address,
            "reason": v.reason,
            "item_id": v.item_id,
            "name": lambda: v.name(user),
            "email": lambda: user["email"],
            "zip": lambda: user["address"]["zip"],
            "first": lambda: user["name"]["first_name"],
            "user_id": lambda: user["user_id"],
            "prod": lambda: self.prod,
            "prod2": lambda: self.prod2,
            "opt": lambda: v.option(self.name1),
            "opt2": lambda: v.option(self.name1),
            "optb": lambda: v.option(self.name2),
            "cur": lambda: v.current(self.name1),
            "diff": v.difference,
            "status": lambda: v.rng.choice(STATUS_WORDS),
        }
        self[key] = values[key]()
        return self[key]


def _render(template: str, vocab: StoreVocab, *, compose: bool) -> str:
    rng = vocab.rng
    slots = _Slots(vocab)
    text = template.format_map(slots)
    if compose and rng.random() < 0.55:
        text = rng.choice(INTROS).format_map(slots) + text
    if compose and rng.random() < 0.2:
        text += rng.choice(OUTROS)
    if not compose and rng.random() < 0.4:
        text = text.rstrip(".!?") + rng.choice(["!", ".", "", "?" if text.endswith("?") else "!"])
    return add_noise(text, rng)


def generate(
    templates: dict[str, list[str]],
    vocab: StoreVocab,
    per_label: dict[str, int],
    *,
    compose_labels: set[str],
    source: str,
) -> list[dict]:
    """Fill each label's templates until `per_label[label]` distinct messages exist.

    Args:
        templates: label -> template strings.
        vocab: Seeded store vocabulary.
        per_label: label -> wanted count (fewer if the templates run dry).
        compose_labels: Labels whose messages may get an introduction and a closing line.
        source: Provenance tag stored on each row.
    """
    rows = []
    for label in sorted(templates):
        seen: set[str] = set()
        for _ in range(per_label.get(label, 0) * 20):
            if len(seen) >= per_label.get(label, 0):
                break
            text = _render(
                vocab.rng.choice(templates[label]), vocab, compose=label in compose_labels
            )
            if text and text.lower() not in seen:
                seen.add(text.lower())
                rows.append({"text": text, "label": label, "source": source})
    return rows


def build_training_set(datasets_dir: Path = DATASETS_DIR, seed: int = TRAIN_SEED) -> list[dict]:
    """All training rows, shuffled, each `{"text", "label", "source"}`.

    Args:
        datasets_dir: Directory of the public datasets (Bitext, CLINC150).
        seed: Seed for every random choice.
    """
    vocab = StoreVocab(random.Random(seed))
    per_label = dict.fromkeys(TASK_TEMPLATES, 190)
    per_label.update(modify_order_items=240, exchange_items=240, modify_order_address=220)
    per_label.update(
        greeting=110,
        goodbye=110,
        thanks=100,
        affirm=120,
        deny=110,
        identify=180,
        policy_question=150,
        human_agent=130,
        complaint=140,
        out_of_scope=60,
    )
    rows = generate(
        TASK_TEMPLATES, vocab, per_label, compose_labels=set(TASK_TEMPLATES), source="template"
    )
    rows += generate(
        TALK_TEMPLATES,
        vocab,
        per_label,
        compose_labels={"policy_question", "complaint", "human_agent"},
        source="template",
    )
    rows += generate(
        ANSWER_TEMPLATES, vocab, ANSWER_COUNTS, compose_labels=set(), source="template"
    )
    bitext_oos = {k: 12 for k, v in BITEXT_MAP.items() if v == "out_of_scope"}
    rows += bitext_rows(
        datasets_dir, vocab.rng, vocab.order_ids, heldout=False, per_label=BITEXT_CAPS | bitext_oos
    )
    rows += clinc_rows(datasets_dir, vocab.rng, heldout=False, mapped_cap=40, oos_per_intent=3)
    return _finish(rows, vocab.rng)


def build_heldout_set(
    train: list[dict], datasets_dir: Path = DATASETS_DIR, seed: int = HELDOUT_SEED
) -> list[dict]:
    """Evaluation rows that share no text with `train`.

    Args:
        train: The training rows, used to drop any accidental overlap.
        datasets_dir: Directory of the public datasets.
        seed: Seed for every random choice.
    """
    vocab = StoreVocab(random.Random(seed))
    rows = generate(
        HELDOUT_TEMPLATES,
        vocab,
        dict.fromkeys(HELDOUT_TEMPLATES, 25),
        compose_labels=set(TASK_TEMPLATES),
        source="template",
    )
    rows += tau_rows(vocab.rng)
    rows += bitext_rows(
        datasets_dir,
        vocab.rng,
        vocab.order_ids,
        heldout=True,
        per_label=dict.fromkeys(BITEXT_MAP, 8),
    )
    rows += clinc_rows(datasets_dir, vocab.rng, heldout=True, mapped_cap=10, oos_per_intent=1)
    seen = {_key(r["text"]) for r in train}
    return _finish([r for r in rows if _key(r["text"]) not in seen], vocab.rng)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9#@ ]", "", text.lower()).strip()


def _finish(rows: list[dict], rng: random.Random) -> list[dict]:
    unknown = {r["label"] for r in rows} - set(INTENTS)
    if unknown:
        raise ValueError(f"labels outside INTENTS: {sorted(unknown)}")
    unique = list({_key(r["text"]): r for r in rows}.values())
    rng.shuffle(unique)
    return unique


def write_jsonl(rows: list[dict], path: Path, *, keys: tuple[str, ...]) -> None:
    """Write rows as JSON lines keeping only `keys`, creating the parent directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps({k: row[k] for k in keys}, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    """Build both files and print per-label counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DATASETS_DIR)
    parser.add_argument("--out-dir", type=Path, default=NLU_DATA_DIR)
    args = parser.parse_args(argv)
    train = build_training_set(args.datasets)
    heldout = build_heldout_set(train, args.datasets)
    write_jsonl(train, args.out_dir / TRAIN_PATH.name, keys=("text", "label"))
    write_jsonl(heldout, args.out_dir / HELDOUT_PATH.name, keys=("text", "label", "source"))
    for name, rows in (("train", train), ("heldout", heldout)):
        counts = Counter(r["label"] for r in rows)
        print(f"{name}: {len(rows)} rows", dict(sorted(counts.items())))  # noqa: T201


if __name__ == "__main__":
    main()
