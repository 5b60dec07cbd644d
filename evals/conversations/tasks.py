"""The τ-bench train and dev tasks and the store records the conversations are written from."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from supportgraph.settings import SHIPPED_DATA_DIR

RETAIL_DIR = SHIPPED_DATA_DIR / "retail"
SPLITS = ("train", "dev")
"""Only these splits are read: the test split stays unseen by anything built here."""

FLOW_OF_ACTION = {
    "cancel_pending_order": "cancel",
    "modify_pending_order_address": "modify_address",
    "modify_pending_order_payment": "modify_payment",
    "modify_pending_order_items": "modify_items",
    "return_delivered_order_items": "return",
    "exchange_delivered_order_items": "exchange",
    "modify_user_address": "user_address",
}
"""The flow name each gold write action is counted under."""

_TRAITS = re.compile(r"\bYou(?: are|'re)(?: very)? ([a-z ,]+?)\.")
_IDENTITY = re.compile(r"[Yy]our (zip code|email)\b")


@dataclass(frozen=True)
class Task:
    """One τ-bench task with its stable id, e.g. `train-17`."""

    task_id: str
    split: str
    user_id: str
    instruction: str
    actions: list[dict[str, Any]]
    outputs: list[str]

    @property
    def persona(self) -> list[str]:
        """The customer's traits as the instruction lists them, e.g. `["polite", "busy"]`."""
        match = _TRAITS.search(self.instruction)
        return [t.strip() for t in match.group(1).split(",") if t.strip()] if match else []

    @property
    def identity(self) -> str:
        """How the instruction has the customer identify: `email` or `name_zip`."""
        match = _IDENTITY.search(self.instruction)
        return "email" if match and match.group(1) == "email" else "name_zip"

    @property
    def flows(self) -> list[str]:
        """The flows of the gold actions, in order, without repeats."""
        flows = [FLOW_OF_ACTION[a["name"]] for a in self.actions if a["name"] in FLOW_OF_ACTION]
        return list(dict.fromkeys(flows)) or ["no_action"]


def load_tasks(retail_dir: Path = RETAIL_DIR) -> list[Task]:
    """All train then dev tasks, in file order."""
    tasks = []
    for split in SPLITS:
        rows = json.loads((retail_dir / f"tasks_{split}.json").read_text(encoding="utf-8"))
        for index, row in enumerate(rows):
            tasks.append(
                Task(
                    task_id=f"{split}-{index}",
                    split=split,
                    user_id=row["user_id"],
                    instruction=row["instruction"],
                    actions=row["actions"],
                    outputs=list(row.get("outputs") or []),
                )
            )
    return tasks


class Records:
    """The shipped users, orders and products, read once."""

    def __init__(self, retail_dir: Path = RETAIL_DIR) -> None:
        self.retail_dir = retail_dir

    @cached_property
    def users(self) -> dict[str, Any]:
        """Users by user id."""
        return self._read("users")

    @cached_property
    def orders(self) -> dict[str, Any]:
        """Orders by order id."""
        return self._read("orders")

    @cached_property
    def products(self) -> dict[str, Any]:
        """Products by product id."""
        return self._read("products")

    @cached_property
    def variants(self) -> dict[str, dict[str, Any]]:
        """Every variant by item id, with its product's id."""
        return {
            item_id: {**variant, "product_id": product_id}
            for product_id, product in self.products.items()
            for item_id, variant in product["variants"].items()
        }

    def _read(self, name: str) -> dict[str, Any]:
        return json.loads((self.retail_dir / f"{name}.json").read_text(encoding="utf-8"))
