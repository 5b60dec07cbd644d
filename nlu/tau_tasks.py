"""Held-out customer messages written from τ-bench train/dev task instructions.

Each task's instruction describes, in the second person, what the simulated customer wants.
The persona line becomes a self-introduction and the first request becomes the message; the
label comes from the task's first gold write action. Only the train and dev task files are read.
"""

from __future__ import annotations

import ast
import json
import random
import re
from pathlib import Path

from supportgraph.nlu.vocab import RETAIL_DIR

ACTION_LABELS = {
    "cancel_pending_order": "cancel_order",
    "modify_pending_order_address": "modify_order_address",
    "modify_pending_order_payment": "modify_order_payment",
    "modify_pending_order_items": "modify_order_items",
    "return_delivered_order_items": "return_items",
    "exchange_delivered_order_items": "exchange_items",
    "modify_user_address": "modify_user_address",
}
PERSONA = re.compile(
    r"Your name is (\w+ \w+) and your (zip code|email) is (\S+?)\.\s+"
    r"((?:You are|You're) [^.]*\.\s*)?"
)
# Sentences that steer the simulated customer rather than say what they want.
META = re.compile(
    r"\b(agent|try to|initially|decide|insist|emphasi[sz]e|mention|if they|express|complain"
    r"|tell)\b",
    re.I,
)
# A narrative message is kept only if its first sentences already voice a request.
REQUEST = re.compile(r"cancel|refund|return|exchange|change|modify|switch|swap|not receive", re.I)
_SWAP = r"For (#W\d+), {verb} ([\w\- ]+?) (\{{.*?\}}) to (\{{.*?\}})"
CLAUSES = [
    (
        "return_delivered_order_items",
        re.compile(r"Return (#W\d+) via (\w+): ([^.]*?);\s*(?:For|Cancel|Return|$)"),
    ),
    ("cancel_pending_order", re.compile(r"Cancel order (#W\d+) because ([a-z ]+)\.")),
    ("exchange_delivered_order_items", re.compile(_SWAP.format(verb="exchange"))),
    ("modify_pending_order_items", re.compile(_SWAP.format(verb="modify"))),
    ("modify_pending_order_address", re.compile(r"For (#W\d+), change address to (\{.*?\})")),
    ("modify_pending_order_payment", re.compile(r"For (#W\d+), change payment to (\w+)\.")),
]
# The customer reads their own side of the story; these swaps turn "you" into "I".
SWAPS = [
    (r"\byou've\b", "I've"),
    (r"\byou're\b", "I'm"),
    (r"\byou'll\b", "I'll"),
    (r"\byou'd\b", "I'd"),
    (r"\byour\b", "my"),
    (r"\byourself\b", "myself"),
    (r"\byou are\b", "I am"),
    (r"\byou were\b", "I was"),
    (r"\byou\b", "I"),
]


def _first_person(text: str) -> str:
    for pattern, repl in SWAPS:
        text = re.sub(pattern, repl, text, flags=re.IGNORECASE)
    return re.sub(r"(^|[.!?]\s+)i\b", lambda m: m.group(1) + "I", text)


def _opts(literal: str) -> str:
    opts = ast.literal_eval(literal)
    words = [f"size {v}" if k == "size" and len(v) <= 3 else str(v) for k, v in opts.items()]
    return ", ".join(words)


def _payment(pid: str, rng: random.Random) -> str:
    if rng.random() < 0.4:
        return pid
    kinds = {"paypal": "my PayPal", "gift": "my gift card", "credit": "my credit card"}
    return kinds[pid.split("_")[0]]


def _message(kind: str, m: re.Match, rng: random.Random) -> str:
    order = m.group(1) if rng.random() < 0.7 else m.group(1)[1:]
    if kind == "return_delivered_order_items":
        names = [re.sub(r"\s*\{.*?\}", "", i).strip().lower() for i in m.group(3).split(";")]
        items = " and the ".join(dict.fromkeys(n for n in names if n))
        pay = _payment(m.group(2), rng)
        return rng.choice(
            [
                f"I want to return the {items} from {order}, refund to {pay}.",
                f"I got order {order} but I'm sending back the {items}. Money to {pay}.",
                f"the {items} from {order} need to go back, refund {pay} please",
            ]
        )
    if kind == "cancel_pending_order":
        return rng.choice(
            [
                f"Please cancel order {order}, it was {m.group(2)}.",
                f"I need to cancel {order} because it's {m.group(2)}.",
                f"{order} - cancel it please, {m.group(2)}",
            ]
        )
    if kind in ("exchange_delivered_order_items", "modify_pending_order_items"):
        target = _opts(m.group(4)) or "a different version"
        item = f"{m.group(2).lower()} ({_opts(m.group(3))})"
        if kind.startswith("exchange"):
            return rng.choice(
                [
                    f"For {order}, I'd like to exchange the {item} to {target}.",
                    f"I received the {item} in {order}, can I swap it for {target}?",
                ]
            )
        return rng.choice(
            [
                f"For {order}, I'd like to change the {item} to {target}.",
                f"{order} hasn't shipped, so please make the {item} {target}.",
            ]
        )
    if kind == "modify_pending_order_address":
        a = ast.literal_eval(m.group(2))
        where = f"{a['address1']}, {a['address2']}, {a['city']}, {a['state']} {a['zip']}"
        return rng.choice(
            [
                f"Can you ship {order} to {where}?",
                f"{order} should be delivered to {where} instead.",
            ]
        )
    pay = _payment(m.group(2), rng)
    return rng.choice(
        [
            f"Can I pay for {order} with {pay} instead?",
            f"I want {order} charged to {pay} rather than what I used.",
        ]
    )


def _free_form(rest: str) -> str:
    """The first two sentences of a narrative instruction, told by the customer."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", rest.strip()) if not META.search(s)]
    return _first_person(" ".join(sentences[:2]))


def tau_rows(
    rng: random.Random,
    files: tuple[str, ...] = ("tasks_train.json", "tasks_dev.json"),
    retail_dir: Path = RETAIL_DIR,
) -> list[dict]:
    """One labelled message per usable task: persona introduction plus first request.

    Args:
        rng: Seeded generator choosing among phrasings.
        files: Task files to read (never the test split).
        retail_dir: Directory holding the task files.
    """
    out = []
    for fname in files:
        source = "tau_" + fname.split("_")[1].split(".")[0]
        for task in json.loads((retail_dir / fname).read_text()):
            names = [a["name"] for a in task["actions"] if a["name"] in ACTION_LABELS]
            persona = PERSONA.match(task["instruction"])
            if not names or not persona:
                continue
            rest = task["instruction"][persona.end() :]
            hits = [(m.start(), kind, m) for kind, rx in CLAUSES if (m := rx.search(rest))]
            if hits:
                _, kind, m = min(hits, key=lambda h: h[0])
                if kind != names[0]:
                    continue
                body = _message(kind, m, rng)
            elif len(set(names)) == 1 and REQUEST.search(body := _free_form(rest)):
                pass
            else:
                continue
            who = persona.group(1)
            intro = (
                f"Hi, I'm {who}, zip {persona.group(3)}."
                if persona.group(2) == "zip code"
                else f"Hi, this is {who} ({persona.group(3)})."
            )
            label = ACTION_LABELS[names[0]]
            out.append({"text": f"{intro} {body}", "label": label, "source": source})
    return out
