"""The product vocabulary the NLU reads: product names, aliases, option names and values."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from supportgraph.settings import SHIPPED_DATA_DIR

PRODUCTS_PATH = SHIPPED_DATA_DIR / "retail" / "products.json"

# Everyday words for a product. Each maps to exactly one catalogue name; words that could mean
# several products ("kettle", "camera", "watch", "shoes") are left out on purpose, and an
# alias is only used when its product is in the catalogue being built.
EXTRA_ALIASES: dict[str, str] = {
    "tshirt": "T-Shirt",
    "t shirt": "T-Shirt",
    "tee shirt": "T-Shirt",
    "tee": "T-Shirt",
    "keyboard": "Mechanical Keyboard",
    "thermostat": "Smart Thermostat",
    "notebook computer": "Laptop",
    "office chair": "Office Chair",
    "chair": "Office Chair",
    "desk lamp": "Desk Lamp",
    "lamp": "Desk Lamp",
    "bottle": "Water Bottle",
    "toothbrush": "Electric Toothbrush",
    "yoga mat": "Yoga Mat",
    "speaker": "Bluetooth Speaker",
    "mouse": "Gaming Mouse",
    "hose": "Garden Hose",
    "boots": "Hiking Boots",
    "ereader": "E-Reader",
    "e reader": "E-Reader",
    "power bank": "Portable Charger",
    "charger": "Portable Charger",
    "security camera": "Indoor Security Camera",
    "earbuds": "Wireless Earbuds",
    "ear buds": "Wireless Earbuds",
    "fleece": "Fleece Jacket",
    "jacket": "Fleece Jacket",
    "clock": "Wall Clock",
    "dumbbells": "Dumbbell Set",
    "dog bed": "Pet Bed",
    "cat bed": "Pet Bed",
    "helmet": "Cycling Helmet",
    "bike helmet": "Cycling Helmet",
    "light bulb": "LED Light Bulb",
    "bulb": "LED Light Bulb",
    "bookcase": "Bookshelf",
    "bike": "Bicycle",
    "smart phone": "Smartphone",
    "smartwatch": "Smart Watch",
    "umbrella": "Patio Umbrella",
    "purifier": "Air Purifier",
    "makeup": "Makeup Kit",
    "puzzle": "Jigsaw Puzzle",
    "suitcase": "Luggage Set",
    "luggage": "Luggage Set",
    "vacuum": "Vacuum Cleaner",
    "headset": "Headphones",
    "coffee machine": "Coffee Maker",
    "bbq": "Grill",
    "barbecue": "Grill",
    "fragrance": "Perfume",
    "espresso maker": "Espresso Machine",
}


@dataclass
class Catalogue:
    """Product names, their aliases, option vocabulary and known ids of one store."""

    product_ids: dict[str, str] = field(default_factory=dict)
    """Canonical product name -> product id."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Lower-case alias (incl. the name itself and its plural) -> canonical name."""
    options: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Canonical name -> option name -> sorted values."""
    item_ids: frozenset[str] = frozenset()
    """Every variant (item) id in the catalogue."""
    vague: dict[str, list[str]] = field(default_factory=dict)
    """Lower-case head word shared by several products -> those products ('kettle' -> Electric
    Kettle, Tea Kettle): a mention the customer's own orders can resolve."""

    @classmethod
    def from_products(cls, products: dict) -> Catalogue:
        """Build a catalogue from a τ-bench style `products.json` mapping.

        Args:
            products: product_id -> {name, product_id, variants{item_id: {options, ...}}}.
        """
        cat = cls()
        items: set[str] = set()
        for product in products.values():
            name = product["name"]
            cat.product_ids[name] = product["product_id"]
            values: dict[str, set[str]] = defaultdict(set)
            for item_id, variant in product.get("variants", {}).items():
                items.add(item_id)
                for key, value in variant.get("options", {}).items():
                    values[key].add(str(value))
            cat.options[name] = {key: sorted(vals) for key, vals in values.items()}
            for alias in _name_aliases(name):
                cat.aliases.setdefault(alias, name)
        for alias, name in EXTRA_ALIASES.items():
            if name in cat.product_ids:
                cat.aliases.setdefault(alias, name)
                cat.aliases.setdefault(_plural(alias), name)
        cat.item_ids = frozenset(items)
        heads: dict[str, set[str]] = defaultdict(set)
        for name in cat.product_ids:
            head = name.lower().replace("-", " ").split()[-1]
            heads[head].add(name)
            heads[_plural(head)].add(name)
        cat.vague = {
            h: sorted(names)
            for h, names in heads.items()
            if len(names) > 1 and h not in cat.aliases
        }
        return cat

    @classmethod
    def load(cls, path: Path | None = None) -> Catalogue:
        """Read a catalogue from a products JSON file (the shipped store by default).

        Args:
            path: A `products.json` file; defaults to the shipped retail catalogue.
        """
        return cls.from_products(json.loads((path or PRODUCTS_PATH).read_text()))

    @property
    def known_product_ids(self) -> frozenset[str]:
        """Every product id in the catalogue."""
        return frozenset(self.product_ids.values())


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "sh", "ch")):
        return word if word.endswith("s") else word + "es"
    return word + "s"


def _name_aliases(name: str) -> list[str]:
    """The name in lower case, its plural, and hyphen/space spellings of both."""
    low = name.lower()
    forms = {low, _plural(low)}
    for form in list(forms):
        forms.add(form.replace("-", " "))
        forms.add(form.replace("-", ""))
    return sorted(forms)
