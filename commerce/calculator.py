"""A safe arithmetic evaluator with the results and messages of τ-bench's `calculate`."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

ALLOWED_CHARACTERS = frozenset("0123456789+-*/(). ")

_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
_MAX_POWER_BITS = 1_000_000
"""`**` is spelled with allowed characters; a bound keeps `9**9**9**9` from hanging the process."""


class CalculationError(Exception):
    """The expression could not be evaluated; the message follows τ-bench's wording."""


def calculate(expression: str) -> str:
    """Evaluate an arithmetic expression and round the result to 2 decimals.

    Upstream runs `eval` on the checked string. This walks the parsed tree instead and allows
    only number literals and the operators the permitted characters can spell.

    Args:
        expression: digits, `+ - * / ( ) .` and spaces.

    Returns:
        `str(round(float(value), 2))`, e.g. "4.0" for "2 + 2".

    Raises:
        CalculationError: with "Error: invalid characters in expression" or "Error: <reason>".
    """
    if not all(char in ALLOWED_CHARACTERS for char in expression):
        raise CalculationError("Error: invalid characters in expression")
    try:
        # Parsing under the name "<string>" gives syntax errors the same text as `eval`.
        tree = ast.parse(expression, filename="<string>", mode="eval")
        return str(round(float(_evaluate(tree.body)), 2))
    except CalculationError:
        raise
    except Exception as error:  # noqa: BLE001 - upstream reports any failure as "Error: ..."
        raise CalculationError(f"Error: {error}") from error


def _evaluate(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        # Allowed characters spell only ints, floats and `...`, all inert values.
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and _too_large(left, right):
            raise CalculationError("Error: exponent too large")
        return _BINARY[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.Tuple):
        # `eval("()")` yields an empty tuple, which `float()` then rejects.
        return tuple(_evaluate(element) for element in node.elts)
    if isinstance(node, ast.Call):
        # `()()` parses as a call; `eval` evaluates the callee and then fails on it.
        callee = _evaluate(node.func)
        raise TypeError(f"'{type(callee).__name__}' object is not callable")
    raise CalculationError(f"Error: unsupported expression {ast.dump(node)}")


def _too_large(base: Any, exponent: Any) -> bool:
    # Only integer powers grow without limit; float powers overflow to an error by themselves.
    if type(base) is not int or type(exponent) is not int or exponent <= 0:
        return False
    return base.bit_length() * exponent > _MAX_POWER_BITS
