"""Lookup and utility tools: τ-bench results and error messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supportgraph.commerce.port import ToolError

Run = Callable[..., Any]


def refusal(run: Run, name: str, **arguments: Any) -> str:
    with pytest.raises(ToolError) as caught:
        run(name, **arguments)
    return str(caught.value)


def test_that_users_are_found_by_email_in_any_case(run: Run, shipped) -> None:
    user_id, user = next(iter(shipped.users.items()))

    assert run("find_user_id_by_email", email=user["email"].upper()) == user_id
    assert refusal(run, "find_user_id_by_email", email="nobody@example.com") == (
        "Error: user not found"
    )


def test_that_name_and_zip_match_names_in_any_case_but_zip_exactly(run: Run, shipped) -> None:
    user_id, user = list(shipped.users.items())[7]
    name, zip_code = user["name"], user["address"]["zip"]

    found = run(
        "find_user_id_by_name_zip",
        first_name=name["first_name"].lower(),
        last_name=name["last_name"].upper(),
        zip=zip_code,
    )

    assert found == user_id
    assert (
        refusal(
            run,
            "find_user_id_by_name_zip",
            first_name=name["first_name"],
            last_name=name["last_name"],
            zip=zip_code + " ",
        )
        == "Error: user not found"
    )


def test_that_records_come_back_in_shipped_shape(run: Run, shipped) -> None:
    user_id = next(iter(shipped.users))
    order_id = next(iter(shipped.orders))
    product_id = next(iter(shipped.products))

    assert run("get_user_details", user_id=user_id) == shipped.users[user_id]
    assert run("get_order_details", order_id=order_id) == shipped.orders[order_id]
    assert run("get_product_details", product_id=product_id) == shipped.products[product_id]
    assert refusal(run, "get_user_details", user_id="x") == "Error: user not found"
    assert refusal(run, "get_order_details", order_id="W0") == "Error: order not found"
    assert refusal(run, "get_product_details", product_id="1") == "Error: product not found"


def test_that_product_types_are_listed_by_name(run: Run, shipped) -> None:
    listed = run("list_all_product_types")

    assert list(listed) == sorted(p["name"] for p in shipped.products.values())
    assert len(listed) == 50
    assert all(shipped.products[pid]["name"] == name for name, pid in listed.items())


def test_that_calculate_think_and_transfer_answer_like_tau_bench(run: Run) -> None:
    assert run("calculate", expression="(54.04 + 41.64) * 2") == "191.36"
    assert run("calculate", expression="10 / 4") == "2.5"
    assert refusal(run, "calculate", expression="__import__('os')") == (
        "Error: invalid characters in expression"
    )
    assert refusal(run, "calculate", expression="1 / 0") == "Error: division by zero"
    assert run("think", thought="the order is pending") == ""
    assert run("transfer_to_human_agents", summary="wants a refund in cash") == (
        "Transfer successful"
    )
