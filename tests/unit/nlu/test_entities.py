"""Entity extraction edge cases: ids, people, addresses, payment, reasons and options."""

from __future__ import annotations

import pytest

from supportgraph.nlu.entities import EntityExtractor
from supportgraph.nlu.schema import ENTITY_KEYS


@pytest.fixture(scope="module")
def extract():
    return EntityExtractor().extract


def test_that_order_ids_are_normalised_and_kept_apart_from_zips_and_items(extract) -> None:
    got = extract(
        "Hi, I'm Omar Anderson, zip 19031. Return the item 9624127908 from W6067464 "
        "and check order 7654321 and #W2166301"
    )
    assert got["order_ids"] == ["#W6067464", "#W7654321", "#W2166301"]
    assert got["zip"] == "19031"
    assert got["item_ids"] == ["9624127908"]
    assert "product_ids" not in got


def test_that_bare_numbers_are_not_mistaken_for_orders_or_zips(extract) -> None:
    assert extract("I have 1234567 reasons and 12345 complaints") == {}
    assert extract("call me at 4155551234") == {}
    assert "order_ids" not in extract("my order is 123456")


def test_that_a_known_product_id_is_a_product_not_an_item(extract) -> None:
    got = extract("what variants does product 6086499569 have? also item 1323134954")
    assert got["product_ids"] == ["6086499569"]
    assert got["item_ids"] == ["1323134954"]


@pytest.mark.parametrize(
    "text, email",
    [
        ("my email is James.Li+shop@Example.com.", "james.li+shop@example.com"),
        ("it's mia.jackson5798@example.com", "mia.jackson5798@example.com"),
        ("reach me: first.middle.last@sub.domain.org, thanks", "first.middle.last@sub.domain.org"),
    ],
)
def test_that_emails_with_dots_and_plus_are_read_lower_cased(extract, text, email) -> None:
    got = extract(text)
    assert got["email"] == email
    assert "first_name" not in got


@pytest.mark.parametrize(
    "text, first, last, zip_code",
    [
        ("my name is Yusuf Hernandez", "Yusuf", "Hernandez", None),
        ("I'm Yusuf Hernandez and I need help", "Yusuf", "Hernandez", None),
        ("Yusuf Hernandez, 80265", "Yusuf", "Hernandez", "80265"),
        ("my name is yusuf hernandez, zip code is 80265", "Yusuf", "Hernandez", "80265"),
        ("Hi Lei Li here, my zip is 28249", "Lei", "Li", "28249"),
    ],
)
def test_that_names_and_zips_are_read_from_introductions(
    extract, text, first, last, zip_code
) -> None:
    got = extract(text)
    assert (got.get("first_name"), got.get("last_name"), got.get("zip")) == (first, last, zip_code)


@pytest.mark.parametrize(
    "text, first, last, zip_code",
    [
        ("hi, i'm olivia ahmed, zip code 94152.", "Olivia", "Ahmed", "94152"),
        (
            "hi! i need some help with my orders. i'm anya sanchez, 43171.",
            "Anya",
            "Sanchez",
            "43171",
        ),
        ("anya lee 78227", "Anya", "Lee", "78227"),
        ("i'm john doe, zip 12345", "John", "Doe", "12345"),
    ],
)
def test_that_lower_case_names_are_read_when_the_store_knows_them_or_a_zip_follows(
    extract, text, first, last, zip_code
) -> None:
    got = extract(text)
    assert (got.get("first_name"), got.get("last_name"), got.get("zip")) == (first, last, zip_code)


@pytest.mark.parametrize(
    "text", ["i'm looking for my order", "i am really upset 12345", "i'm sure it is fine"]
)
def test_that_lower_case_words_after_im_are_not_names(extract, text) -> None:
    assert "first_name" not in extract(text)


def test_that_capitalised_words_after_im_are_not_names(extract) -> None:
    assert "first_name" not in extract("I'm Very Upset about this")
    assert "first_name" not in extract("I'm Looking Forward to it")


def test_that_a_full_address_is_split_into_fields(extract) -> None:
    got = extract("Please ship #W2466703 to 629 Sunset Drive, Suite 581, San Diego, CA 92159")
    assert got["address"] == {
        "address1": "629 Sunset Drive",
        "address2": "Suite 581",
        "city": "San Diego",
        "state": "CA",
        "zip": "92159",
        "country": "USA",
    }
    assert "zip" not in got
    assert got["order_ids"] == ["#W2466703"]


def test_that_a_lower_case_address_without_commas_is_read(extract) -> None:
    got = extract("new address 580 broadway suite 162 denver co 80265")
    assert got["address"] == {
        "address1": "580 Broadway",
        "address2": "Suite 162",
        "city": "Denver",
        "state": "CO",
        "zip": "80265",
        "country": "USA",
    }


@pytest.mark.parametrize(
    "text, reason",
    [
        ("cancel it, I ordered it by mistake", "ordered by mistake"),
        ("I accidentally placed this order", "ordered by mistake"),
        ("please cancel, I don't need it anymore", "no longer needed"),
        ("it's no longer needed", "no longer needed"),
        ("I don't need help with that", None),
    ],
)
def test_that_reasons_map_to_the_two_accepted_values(extract, text, reason) -> None:
    assert extract(text).get("reason") == reason


@pytest.mark.parametrize(
    "text, hint",
    [
        (
            "refund to my visa ending in 1234",
            {"source": "credit_card", "brand": "visa", "last_four": "1234"},
        ),
        ("put it on my gift card", {"source": "gift_card"}),
        ("switch from my credit card to PayPal", {"source": "paypal"}),
        ("the card ending with 9999", {"source": "credit_card", "last_four": "9999"}),
    ],
)
def test_that_payment_hints_name_the_kind_of_method(extract, text, hint) -> None:
    assert extract(text)["payment_hint"] == hint


@pytest.mark.parametrize(
    "text, hint",
    [
        ("Use the original payment method for the price difference.", {"original": True}),
        ("refund it to the original form of payment", {"original": True}),
        ("put it back on the card I paid with", {"original": True}),
        ("to my original credit card", {"source": "credit_card", "original": True}),
        ("instead of the original payment method, use my PayPal", {"source": "paypal"}),
    ],
)
def test_that_the_original_payment_method_is_named_as_such(extract, text, hint) -> None:
    assert extract(text)["payment_hint"] == hint


def test_that_explicit_payment_ids_are_kept_verbatim(extract) -> None:
    got = extract("use credit_card_4190576 for the difference")
    assert got == {"payment_method_id": "credit_card_4190576"}


def test_that_products_and_options_come_from_the_catalogue(extract) -> None:
    got = extract("exchange my tshirt for a blue one in size XL, and the 1000ml water bottle")
    assert got["product_types"] == ["T-Shirt", "Water Bottle"]
    assert got["options"] == {"size": "XL", "capacity": "1000ml"}
    assert got["option_values"] == ["blue", "XL", "1000ml"]
    assert got["product_options"] == {"T-Shirt": ["blue", "XL"], "Water Bottle": ["1000ml"]}


def test_that_from_to_option_changes_keep_order_and_the_target(extract) -> None:
    got = extract("change the gaming mouse from black to white")
    assert got["option_values"] == ["black", "white"]
    assert got["options"] == {"color": "white"}


def test_that_ambiguous_words_are_not_read_as_products_or_options(extract) -> None:
    got = extract("I have a small problem with the kettle, I want a full refund")
    assert "product_types" not in got and "option_values" not in got
    assert extract("I want it in black") == {"option_values": ["black"]}


def test_that_amounts_dates_and_all_items_are_read(extract) -> None:
    got = extract("I paid $1,299.99 plus 25 dollars on 2024-05-01; return everything in the order")
    assert got["amounts"] == [1299.99, 25.0]
    assert got["dates"] == ["2024-05-01"]
    assert got["all_items"] is True
    assert "all_items" not in extract("that's all, thanks")


def test_that_only_contract_keys_are_returned(extract) -> None:
    got = extract("I'm Mia Jackson, zip 28249, cancel #W6236251 by mistake, refund $20 to paypal")
    assert set(got) <= set(ENTITY_KEYS)
    assert list(got) == [k for k in ENTITY_KEYS if k in got]


@pytest.mark.parametrize(
    "text", ["cancel #W1234567", "cancel W1234567", "cancel w1234567", "cancel order 1234567"]
)
def test_that_an_order_id_reads_the_same_with_or_without_the_hash_and_w(extract, text) -> None:
    assert extract(text)["order_ids"] == ["#W1234567"]


def test_that_two_order_ids_in_one_message_keep_their_order_of_mention(extract) -> None:
    got = extract("ship order 7654321 to the same address as #W1234567")
    assert got["order_ids"] == ["#W7654321", "#W1234567"]


@pytest.mark.parametrize(
    "text, order_id",
    [
        ("where is purchase 00123842?", "#W00123842"),
        ("check order 12345678 please", "#W12345678"),
        ("cancel purchase 3707955617", "#W3707955617"),
    ],
)
def test_that_a_bare_order_number_is_read_whole_and_not_as_an_item(extract, text, order_id) -> None:
    got = extract(text)
    assert got["order_ids"] == [order_id]
    assert "item_ids" not in got


@pytest.mark.parametrize(
    "text", ["I ordered 1500000 pieces", "my order of 250000 units", "the order 1234567.50"]
)
def test_that_quantities_and_prices_after_order_are_not_order_ids(extract, text) -> None:
    assert "order_ids" not in extract(text)


def test_that_an_email_at_the_end_of_a_sentence_drops_the_period(extract) -> None:
    assert extract("my email is jo.lee@shop.io. Thanks!") == {"email": "jo.lee@shop.io"}


@pytest.mark.parametrize(
    "text", ["I paid 12345 dollars", "Portable Charger (20000mAh, black)", "ship 12345 units"]
)
def test_that_other_five_digit_numbers_are_not_zip_codes(extract, text) -> None:
    got = extract(text)
    assert "zip" not in got and "first_name" not in got


def test_that_a_zip_code_is_read_after_its_cue(extract) -> None:
    assert extract("my zip code is 12345")["zip"] == "12345"


def test_that_amounts_need_a_currency_and_keep_their_cents(extract) -> None:
    assert extract("refund $19.99, $1,200 and $5 please")["amounts"] == [19.99, 1200.0, 5.0]
    assert "amounts" not in extract("it cost 19.99")


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("this is mei kovacs, email mei.kovacs4296@example.com", "Mei", "Kovacs"),
        ("i am yusuf hernandez", "Yusuf", "Hernandez"),
    ],
)
def test_that_a_lower_case_name_comes_back_capitalised(extract, text, first, last) -> None:
    got = extract(text)
    assert (got["first_name"], got["last_name"]) == (first, last)


def test_that_plain_text_yields_no_entities(extract) -> None:
    assert extract("Hello, I have a question about your store hours.") == {}
