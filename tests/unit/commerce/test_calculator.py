"""The calculator: τ-bench's rounding and messages, without `eval`'s reach."""

from __future__ import annotations

import pytest

from supportgraph.commerce.calculator import CalculationError, calculate


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 + 2", "4.0"),
        ("10 / 3", "3.33"),
        ("-(1.005 - 3) * 2", "3.99"),
        ("2 ** 10", "1024.0"),
        ("7 // 2", "3.0"),
        ("+5", "5.0"),
    ],
)
def test_that_arithmetic_is_rounded_to_two_decimals(expression: str, expected: str) -> None:
    assert calculate(expression) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("abs(-1)", "Error: invalid characters in expression"),
        ("2 % 3", "Error: invalid characters in expression"),
        ("1e9", "Error: invalid characters in expression"),
        ("1 / 0", "Error: division by zero"),
        ("(1", "Error: '(' was never closed (<string>, line 1)"),
        ("", "Error: invalid syntax (<string>, line 0)"),
        ("()", "Error: float() argument must be a string or a real number, not 'tuple'"),
        ("()()", "Error: 'tuple' object is not callable"),
        ("10 ** 400", "Error: int too large to convert to float"),
    ],
)
def test_that_bad_expressions_get_the_upstream_message(expression: str, message: str) -> None:
    with pytest.raises(CalculationError) as caught:
        calculate(expression)

    assert str(caught.value) == message


def test_that_huge_integer_powers_are_refused_instead_of_hanging() -> None:
    with pytest.raises(CalculationError, match="exponent too large"):
        calculate("9 ** 9 ** 9 ** 9")
