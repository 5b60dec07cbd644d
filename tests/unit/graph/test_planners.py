"""The flow's planners on their own: item choice, written-out options, order resolution."""

from __future__ import annotations

from supportgraph.graph.responders.flow.memory import new_memory
from supportgraph.graph.responders.flow.orders import resolve_order
from supportgraph.graph.responders.flow.records import change_for, select_items, target_options
from supportgraph.graph.state import Customer

KETTLE = {
    "name": "Electric Kettle",
    "item_id": "k1",
    "options": {"capacity": "1L", "color": "white"},
}
LAMP = {"name": "Desk Lamp", "item_id": "l1", "options": {"color": "black"}}
LAMP_2 = {"name": "Desk Lamp", "item_id": "l2", "options": {"color": "silver"}}
ORDER = {"order_id": "#W1", "status": "delivered", "items": [KETTLE, LAMP, LAMP_2]}
KETTLE_PRODUCT = {
    "name": "Electric Kettle",
    "variants": {
        "k1": {"item_id": "k1", "options": {"capacity": "1L", "color": "white"}, "available": True},
        "k2": {"item_id": "k2", "options": {"capacity": "2L", "color": "white"}, "available": True},
    },
}


def test_that_excluded_products_are_never_selected() -> None:
    chosen = select_items(ORDER, {"all_items": True, "excluded_products": ["Desk Lamp"]})
    assert [i["item_id"] for i in chosen] == ["k1"]
    mentioned = {"product_mentions": ["Desk Lamp"], "excluded_products": ["Desk Lamp"]}
    assert select_items(ORDER, mentioned) == []


def test_that_a_written_out_item_picks_its_own_among_several_of_a_product() -> None:
    slots = {
        "option_changes": [
            {"product": "Desk Lamp", "current": {"color": "silver"}, "wanted": {"color": "gold"}}
        ]
    }
    assert [i["item_id"] for i in select_items(ORDER, slots)] == ["l2"]
    assert change_for(LAMP, slots, ORDER["items"]) is None


def test_that_a_written_out_change_is_spelled_as_the_catalogue_spells_it() -> None:
    slots = {
        "option_changes": [
            {
                "product": "Electric Kettle",
                "current": {"capacity": "1l"},
                "wanted": {"capacity": "2l", "color": "WHITE"},
            }
        ]
    }
    written = change_for(KETTLE, slots, ORDER["items"])
    assert target_options(KETTLE, KETTLE_PRODUCT, slots, written) == {
        "capacity": "2L",
        "color": "white",
    }


def _customer(order_ids: list[str]) -> Customer:
    return {"user_id": "u", "name": "U", "order_ids": order_ids, "payment_method_ids": []}


def test_that_every_order_is_read_in_one_step() -> None:
    memory = new_memory()
    memory.goal = "cancel_order"
    ids = [f"#W{n}" for n in range(20)]
    order, step = resolve_order(memory, _customer(ids), ("pending",))
    assert order is None and step is not None
    assert [args["order_id"] for _, args in step.calls] == ids


def test_that_a_request_about_every_order_becomes_one_request_per_order() -> None:
    memory = new_memory()
    memory.goal = "cancel_order"
    memory.slots = {"all_orders": True, "status_hint": "pending", "reason": "no longer needed"}
    memory.orders = {
        "#W1": {"order_id": "#W1", "status": "pending", "items": []},
        "#W2": {"order_id": "#W2", "status": "delivered", "items": []},
        "#W3": {"order_id": "#W3", "status": "pending", "items": []},
    }
    order, step = resolve_order(memory, _customer(["#W1", "#W2", "#W3"]), ("pending",))
    assert step is None and order is not None and order["order_id"] == "#W1"
    assert [r["entities"]["order_ids"] for r in memory.agenda] == [["#W3"]]
    assert memory.agenda[0]["entities"]["reason"] == "no longer needed"


def test_that_a_vague_word_is_read_as_the_one_product_of_the_order_it_fits() -> None:
    slots = {
        "vague_products": [{"candidates": ["Electric Kettle", "Tea Kettle"], "excluded": False}]
    }
    assert [i["item_id"] for i in select_items(ORDER, slots)] == ["k1"]
    left_out = {
        "all_items": True,
        "vague_products": [{"candidates": ["Electric Kettle", "Tea Kettle"], "excluded": True}],
    }
    assert [i["item_id"] for i in select_items(ORDER, left_out)] == ["l1", "l2"]


def test_that_record_questions_are_computed_from_the_order() -> None:
    from supportgraph.graph.responders.flow.figures import answer_questions

    order = {
        "order_id": "#W1",
        "status": "delivered",
        "items": [
            {**KETTLE, "price": 40.5},
            {**LAMP, "price": 120.0},
            {**LAMP_2, "price": 80.25},
        ],
        "payment_history": [{"transaction_type": "payment", "payment_method_id": "paypal_1"}],
        "fulfillments": [{"tracking_id": ["123"]}],
    }
    memory = new_memory()
    memory.orders = {"#W1": order}
    memory.user = {"payment_methods": {"paypal_1": {"source": "paypal"}}}
    memory.user_id = "u"
    memory.slots = {
        "order_id": "#W1",
        "record_questions": ["priciest_item", "order_total", "payment_used", "tracking"],
    }
    text, cites, step = answer_questions(memory, _customer(["#W1"]))
    assert step is None
    assert "Desk Lamp (black), at $120.00" in text
    assert "$240.75 for 3 item(s)" in text
    assert "paid with PayPal (paypal_1)" in text
    assert "123" in text
    assert cites and all(c["ref"] == "#W1" for c in cites)


MOUSE = {
    "name": "Gaming Mouse",
    "product_id": "m",
    "variants": {
        "a": {
            "item_id": "a",
            "options": {"color": "white", "link": "wired"},
            "available": True,
            "price": 137.0,
        },
        "b": {
            "item_id": "b",
            "options": {"color": "white", "link": "wireless"},
            "available": True,
            "price": 143.0,
        },
        "c": {
            "item_id": "c",
            "options": {"color": "black", "link": "wired"},
            "available": True,
            "price": 120.0,
        },
        "d": {
            "item_id": "d",
            "options": {"color": "red", "link": "wired"},
            "available": False,
            "price": 99.0,
        },
    },
}


def test_that_a_choice_by_price_keeps_every_option_the_customer_changed() -> None:
    from supportgraph.graph.responders.flow.records import variant_by_price

    current = {"color": "black", "link": "laser"}
    wanted = {"color": "white", "link": "laser"}
    assert variant_by_price(MOUSE, current, wanted, "lowest")["item_id"] == "a"
    assert variant_by_price(MOUSE, current, wanted, "highest")["item_id"] == "b"
    assert variant_by_price(MOUSE, current, {"color": "red", "link": "laser"}, "lowest") is None


def test_that_named_values_find_the_one_item_they_fit() -> None:
    from supportgraph.graph.responders.flow.records import items_by_values

    mouse = {"name": "Gaming Mouse", "item_id": "c", "product_id": "m", "options": {}}
    order = {"items": [mouse, {**KETTLE, "product_id": "k"}]}
    products = {"m": MOUSE, "k": KETTLE_PRODUCT}
    assert items_by_values(order, {"option_values": ["wireless"]}, products) == [mouse]
    assert items_by_values(order, {"option_values": ["white"]}, products) == []  # both fit
    assert items_by_values({"items": [mouse]}, {}, products) == [mouse]


def test_that_suggestions_are_other_available_variants_cheaper_than_what_was_paid() -> None:
    from supportgraph.graph.responders.flow.figures import recommend

    owned = {
        "name": "Gaming Mouse",
        "item_id": "b",
        "product_id": "m",
        "price": 143.0,
        "options": {"color": "white", "link": "wireless"},
    }
    memory = new_memory()
    memory.orders = {"#W1": {"order_id": "#W1", "status": "delivered", "items": [owned]}}
    memory.products = {"m": MOUSE}
    memory.slots = {"product_types": ["Gaming Mouse"], "cheaper": True}
    step = recommend(memory, _customer(["#W1"]))
    offered = step.text.split("Available now: ")[1].split(". If")[0]
    assert offered == "black, wired ($120.00); white, wired ($137.00)"
    assert {c["ref"] for c in step.cites} == {"#W1", "m"}


def test_that_every_email_given_is_looked_up_in_one_round() -> None:
    from supportgraph.graph.responders.flow.identity import verify

    memory = new_memory()
    memory.identity = {"email": "a@x.com", "other_emails": ["b@x.com", "a@x.com"]}
    step = verify(memory, [])
    assert [args["email"] for _, args in step.calls] == ["a@x.com", "b@x.com"]
    assert verify(memory, []).calls == []  # nothing is tried twice


def test_that_a_message_with_several_requests_keeps_every_email_it_gives() -> None:
    from types import SimpleNamespace

    from supportgraph.graph.responders.flow import absorb_message

    state = SimpleNamespace(
        entities={"email": "a@x.com", "other_emails": ["b@x.com"], "order_ids": ["#W1", "#W2"]},
        requests=[
            {"intent": "cancel_order", "entities": {"order_ids": ["#W1"]}, "text": "cancel #W1"},
            {"intent": "return_items", "entities": {"order_ids": ["#W2"]}, "text": "return #W2"},
        ],
    )
    memory = new_memory()
    absorb_message(memory, state)  # type: ignore[arg-type]
    assert memory.identity == {"email": "a@x.com", "other_emails": ["b@x.com"]}
    assert memory.goal == "cancel_order"
    assert [r["intent"] for r in memory.agenda] == ["return_items"]


def test_that_a_written_out_change_goes_to_one_item_of_its_product() -> None:
    slots = {
        "option_changes": [
            {"product": "Desk Lamp", "current": {"color": "gold"}, "wanted": {"color": "white"}}
        ]
    }
    # Its options match neither lamp: it goes to the first, and only to it.
    assert change_for(LAMP, slots, ORDER["items"]) is not None
    assert change_for(LAMP_2, slots, ORDER["items"]) is None
