"""Product mentions and option values: per product, in the catalogue's spelling, by name."""

from __future__ import annotations

import pytest

from supportgraph.nlu.entities import EntityExtractor


@pytest.fixture(scope="module")
def extract():
    return EntityExtractor().extract


def test_that_each_product_gets_the_values_said_in_its_part_of_the_message(extract) -> None:
    got = extract(
        "change the Gaming Mouse (black, laser) to a white optical one and the Bookshelf to "
        "glass, brown, 5 feet"
    )
    assert got["product_options"] == {
        "Gaming Mouse": ["black", "laser", "white", "optical"],
        "Bookshelf": ["glass", "brown", "5 ft"],
    }
    assert got["product_mentions"] == ["Gaming Mouse", "Bookshelf"]


def test_that_a_product_named_twice_is_mentioned_twice(extract) -> None:
    got = extract(
        "return both Wireless Earbuds: the black 6 hours one and the other Wireless Earbuds"
    )
    assert got["product_mentions"] == ["Wireless Earbuds", "Wireless Earbuds"]
    assert got["product_types"] == ["Wireless Earbuds"]
    assert extract("return the earbuds and the earbuds")["product_mentions"] == [
        "Wireless Earbuds",
        "Wireless Earbuds",
    ]


def test_that_values_take_the_spelling_of_the_product_they_belong_to(extract) -> None:
    got = extract("swap the tea kettle (2 liters) for 1 liter and the electric kettle for 1 liter")
    assert got["product_options"] == {
        "Tea Kettle": ["2 liters", "1 liter"],
        "Electric Kettle": ["1L"],
    }


def test_that_a_value_right_before_a_product_name_describes_that_product(extract) -> None:
    got = extract("exchange the gaming mouse for a white one and the glass bookshelf for metal")
    assert got["product_options"] == {"Gaming Mouse": ["white"], "Bookshelf": ["glass", "metal"]}


@pytest.mark.parametrize(
    "text, product, option, value",
    [
        ("change the Action Camera to 4K and waterproof", "Action Camera", "waterproof", "yes"),
        ("the hiking boots, not waterproof please", "Hiking Boots", "waterproof", "no"),
        (
            "a red Bluetooth Speaker that is water resistant",
            "Bluetooth Speaker",
            "water resistance",
            "yes",
        ),
        (
            "the bluetooth speaker, not water resistant",
            "Bluetooth Speaker",
            "water resistance",
            "no",
        ),
        (
            "earbuds that are not water resistant",
            "Wireless Earbuds",
            "water resistance",
            "not resistant",
        ),
        ("the office chair with no armrest", "Office Chair", "armrest", "none"),
        ("a keyboard without backlight", "Mechanical Keyboard", "backlight", "none"),
    ],
)
def test_that_yes_no_and_none_options_are_read_from_their_name(
    extract, text, product, option, value
) -> None:
    got = extract(text)
    assert got["options"][option] == value
    assert value in got["product_options"][product]


def test_that_current_and_wanted_yes_no_values_keep_their_order(extract) -> None:
    got = extract(
        "change the Action Camera (1080p resolution, not waterproof, silver) to 4K and waterproof"
    )
    assert got["product_options"] == {"Action Camera": ["1080p", "no", "silver", "4K", "yes"]}
    assert got["options"]["waterproof"] == "yes"


@pytest.mark.parametrize(
    "text, product, value",
    [
        ("exchange the jigsaw puzzle for a 1500 pieces, art one", "Jigsaw Puzzle", "art"),
        ("change the makeup kit to a dark and Brand C one", "Makeup Kit", "dark"),
        ("I'd like to exchange the perfume for women", "Perfume", "women"),
        ("the fleece jacket with a half zipper", "Fleece Jacket", "half"),
    ],
)
def test_that_everyday_words_are_values_of_a_product_that_has_them(
    extract, text, product, value
) -> None:
    assert value in extract(text)["product_options"][product]


def test_that_everyday_words_without_their_product_are_not_values(extract) -> None:
    assert "option_values" not in extract("I love modern art and dark chocolate")
    assert "option_values" not in extract("return the fleece jacket for a full refund")


def test_that_an_option_name_said_with_its_value_keys_the_option(extract) -> None:
    got = extract("change the sunglasses to frame color black and the Luggage Set for 4-piece")
    assert got["options"] == {"frame color": "black", "piece count": "4-piece"}
    assert extract("the sunglasses with a black frame")["options"] == {"frame color": "black"}


def test_that_flat_options_leave_out_options_another_mentioned_product_has(extract) -> None:
    got = extract("exchange the gaming mouse for white and the bookshelf for glass")
    assert got["options"] == {"material": "glass"}
    assert got["option_values"] == ["white", "glass"]
    got = extract("the garden hose (color: green) to latex and black, and the helmet to high")
    assert "color" not in got["options"]
    assert got["product_options"]["Garden Hose"] == ["green", "latex", "black"]


def test_that_a_product_name_among_another_products_options_is_a_value(extract) -> None:
    got = extract("change the Backpack (grey, medium, polyester, laptop) to black and large")
    assert got["product_mentions"] == ["Backpack"]
    assert got["product_options"] == {
        "Backpack": ["grey", "medium", "polyester", "laptop", "black", "large"]
    }
    assert extract("return the backpack and the laptop")["product_mentions"] == [
        "Backpack",
        "Laptop",
    ]


def test_that_each_mention_keeps_its_own_values(extract) -> None:
    got = extract(
        "change the Office Chair (fabric, black) to leather and the Office Chair (mesh, red) "
        "to gray"
    )
    assert got["product_mentions"] == ["Office Chair", "Office Chair"]
    assert got["mention_options"] == [["fabric", "black", "leather"], ["mesh", "red", "gray"]]


def test_that_a_request_for_an_identical_item_names_its_product(extract) -> None:
    got = extract(
        "exchange the led light bulb for 75w equivalent and the office chair for a brand-new "
        "identical one"
    )
    assert got["same_item_products"] == ["Office Chair"]
    assert got["product_options"] == {"LED Light Bulb": ["75W equivalent"]}


def test_that_a_word_of_an_option_name_is_not_a_value(extract) -> None:
    got = extract("the wireless earbuds with battery life: 4 hours")
    assert got["option_values"] == ["4 hours"]
    got = extract("the vacuum cleaner (canister, bagged bagged/bagless) to robotic")
    assert got["option_values"] == ["canister", "bagged", "robotic"]


def test_that_a_unit_value_without_a_product_keeps_each_catalogue_spelling(extract) -> None:
    assert extract("the 1.5 liter one")["option_values"] == ["1.5 liters", "1.5L"]
    assert extract("make it waterproof: no")["options"] == {"waterproof": "no"}
