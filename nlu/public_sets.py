"""Rows from public intent corpora (Bitext, CLINC150) mapped onto the product's intents.

Only categories that map cleanly are used. Bitext has no split, so a stable hash of each text
sends one row in five to the held-out side; CLINC150 train feeds training and its validation
split feeds the held-out set. CLINC150 test data is never read.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from pathlib import Path

BITEXT_FILE = "bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv"
CLINC_FILE = "clinc150/data_full.json"

BITEXT_MAP: dict[str, str] = {
    "cancel_order": "cancel_order",
    "change_order": "modify_order_items",
    "change_shipping_address": "modify_order_address",
    "set_up_shipping_address": "modify_user_address",
    "track_order": "order_status",
    "delivery_period": "order_status",
    "track_refund": "order_status",
    "check_refund_policy": "policy_question",
    "check_payment_methods": "policy_question",
    "contact_human_agent": "human_agent",
    "contact_customer_service": "human_agent",
    "complaint": "complaint",
    # Store-side services this support desk cannot perform.
    "create_account": "out_of_scope",
    "delete_account": "out_of_scope",
    "recover_password": "out_of_scope",
    "registration_problems": "out_of_scope",
    "switch_account": "out_of_scope",
    "newsletter_subscription": "out_of_scope",
    "place_order": "out_of_scope",
    "review": "out_of_scope",
    "get_invoice": "out_of_scope",
    "check_invoice": "out_of_scope",
    "edit_account": "out_of_scope",
}
CLINC_MAP: dict[str, str] = {
    "greeting": "greeting",
    "goodbye": "goodbye",
    "thank_you": "thanks",
    "yes": "affirm",
    "no": "deny",
    "order_status": "order_status",
}
# Domains with no overlap with a retail support desk. Banking and credit cards are left out:
# balances, declined cards and transactions sit too close to gift cards and payments.
CLINC_OOS_DOMAINS = (
    "travel",
    "auto_and_commute",
    "kitchen_and_dining",
    "utility",
    "work",
    "small_talk",
    "home",
    "meta",
)
CLINC_NOT_OOS = {
    "greeting",
    "goodbye",
    "thank_you",
    "yes",
    "no",
    "cancel",
    "maybe",
    "repeat",
    "order_status",
    "what_can_i_ask_you",
    "user_name",
    "change_user_name",
}


def _held_out(text: str) -> bool:
    return hashlib.sha256(text.encode()).digest()[0] % 5 == 0


def bitext_rows(
    root: Path,
    rng: random.Random,
    order_ids: list[str],
    *,
    heldout: bool,
    per_label: dict[str, int],
) -> list[dict]:
    """Mapped Bitext rows, at most `per_label[source intent]` each.

    Args:
        root: Directory of the public datasets.
        rng: Seeded generator for sampling and id substitution.
        order_ids: Store order ids put in place of Bitext's long numbers.
        heldout: Take the held-out fifth instead of the training four fifths.
        per_label: Cap per Bitext intent (missing -> intent skipped).
    """
    with (root / BITEXT_FILE).open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["intent"] in BITEXT_MAP]
    out = []
    for intent in sorted(per_label):
        texts = sorted({r["instruction"].strip() for r in rows if r["intent"] == intent})
        texts = [t for t in texts if _held_out(t) == heldout]
        for text in rng.sample(texts, k=min(len(texts), per_label[intent])):
            # Bitext order numbers are 8-15 digits; the store's are '#W' + 7 digits.
            text = re.sub(r"\b\d{6,}\b", lambda _: rng.choice(order_ids), text)
            out.append({"text": text, "label": BITEXT_MAP[intent], "source": "bitext"})
    return out


def clinc_rows(
    root: Path, rng: random.Random, *, heldout: bool, mapped_cap: int, oos_per_intent: int
) -> list[dict]:
    """Mapped CLINC150 rows plus out-of-scope rows (the `oos` split and unrelated domains).

    Args:
        root: Directory of the public datasets.
        rng: Seeded generator for sampling.
        heldout: Read the validation splits instead of the training splits.
        mapped_cap: Rows per mapped intent (greeting, yes, ...).
        oos_per_intent: Rows per unrelated-domain intent used as out_of_scope.
    """
    data = json.loads((root / CLINC_FILE).read_text())
    domains = json.loads((root / "clinc150" / "domains.json").read_text())
    split, oos_split = ("val", "oos_val") if heldout else ("train", "oos_train")
    by_intent: dict[str, list[str]] = {}
    for text, intent in data[split]:
        by_intent.setdefault(intent, []).append(text)
    out = []
    for intent, label in CLINC_MAP.items():
        for text in rng.sample(by_intent[intent], k=min(mapped_cap, len(by_intent[intent]))):
            out.append({"text": text, "label": label, "source": "clinc"})
    unrelated = sorted(i for d in CLINC_OOS_DOMAINS for i in domains[d] if i not in CLINC_NOT_OOS)
    for intent in unrelated:
        for text in rng.sample(by_intent[intent], k=min(oos_per_intent, len(by_intent[intent]))):
            out.append({"text": text, "label": "out_of_scope", "source": "clinc"})
    out += [{"text": t, "label": "out_of_scope", "source": "clinc"} for t, _ in data[oos_split]]
    return out
