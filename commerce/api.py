"""REST router of the commerce services: τ-bench records and tool calls behind a bearer token."""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from supportgraph.commerce import schemas
from supportgraph.commerce.port import CommercePort, ToolError
from supportgraph.commerce.retail import (
    RETAIL_TOOLS,
    ToolArgumentError,
    UnknownToolError,
    tool_catalogue,
)

_bearer = HTTPBearer(
    auto_error=False, description="The service token (SUPPORTGRAPH_SERVICE_TOKEN)."
)
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": schemas.ErrorDetail, "description": "No such record"}
}
_TOOL_BODY = {
    "requestBody": {
        "required": False,
        "description": "The tool's keyword arguments as one JSON object (empty for none).",
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": True},
                "example": {"order_id": "#W2611340", "reason": "no longer needed"},
            }
        },
    }
}


def build_router(commerce: CommercePort, token: str) -> APIRouter:
    """Build the `/api/v1` commerce router over any commerce adapter.

    Args:
        commerce: the adapter that serves records and runs tools.
        token: the bearer token every request must carry.
    """
    if not token:
        raise ValueError("the commerce API needs a non-empty service token")
    expected = token.encode("utf-8")

    def require_token(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise _unauthorized(
                "missing bearer token: send 'Authorization: Bearer <service token>'"
            )
        if not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected):
            raise _unauthorized("invalid bearer token")

    router = APIRouter(
        prefix="/api/v1",
        tags=["commerce"],
        dependencies=[Depends(require_token)],
        responses={401: {"model": schemas.ErrorDetail, "description": "Missing or wrong token"}},
    )

    async def record(kind: str, key: str, fetch: Callable[[str], Awaitable[Any]]) -> JSONResponse:
        found = await fetch(key)
        if found is None:
            raise HTTPException(404, f"{kind} {key} not found")
        # Returned as-is rather than through a response model, so 100 and 100.0 stay distinct.
        return JSONResponse(found)

    @router.get(
        "/orders/{order_id}",
        summary="Get an order",
        description='The τ-bench order record. The id may be sent as "%23W2611340" or "W2611340".',
        response_model=None,
        responses={200: {"model": schemas.Order}, **_NOT_FOUND},
    )
    async def get_order(order_id: str) -> JSONResponse:
        return await record("order", _order_id(order_id), commerce.get_order)

    @router.get(
        "/users/{user_id}",
        summary="Get a user",
        description="The τ-bench user record: name, address, email, payment methods, order ids.",
        response_model=None,
        responses={200: {"model": schemas.User}, **_NOT_FOUND},
    )
    async def get_user(user_id: str) -> JSONResponse:
        return await record("user", user_id, commerce.get_user)

    @router.get(
        "/products/{product_id}",
        summary="Get a product",
        description="The τ-bench product record with every variant keyed by item id.",
        response_model=None,
        responses={200: {"model": schemas.Product}, **_NOT_FOUND},
    )
    async def get_product(product_id: str) -> JSONResponse:
        return await record("product", product_id, commerce.get_product)

    @router.get(
        "/payments/{payment_method_id}",
        summary="Get a payment method",
        description="A payment method as in the user record, plus the owner's `user_id`.",
        response_model=None,
        responses={200: {"model": schemas.OwnedPaymentMethod}, **_NOT_FOUND},
    )
    async def get_payment(payment_method_id: str) -> JSONResponse:
        return await record("payment method", payment_method_id, commerce.get_payment)

    @router.get(
        "/tools",
        summary="List the retail tools",
        description="Each tool's name, effect and upstream OpenAI function schema.",
        response_model=list[schemas.ToolInfo],
    )
    async def list_tools() -> list[dict[str, Any]]:
        return tool_catalogue()

    @router.post(
        "/tools/{tool_name}",
        summary="Run a retail tool",
        description=(
            "Runs one τ-bench retail tool with the JSON body as keyword arguments. A refusal "
            'is a 400 whose detail is the τ-bench message ("Error: ...").'
        ),
        response_model=None,
        responses={
            200: {"model": schemas.ToolResult},
            400: {"model": schemas.ErrorDetail, "description": "The tool refused the request"},
            404: {"model": schemas.ErrorDetail, "description": "Unknown tool"},
            422: {"model": schemas.ErrorDetail, "description": "Bad body or arguments"},
        },
        openapi_extra=_TOOL_BODY,
    )
    async def call_tool(tool_name: str, request: Request) -> JSONResponse:
        if tool_name not in RETAIL_TOOLS:
            raise HTTPException(404, f"unknown tool {tool_name!r}")
        arguments = await _arguments(request)
        try:
            result = await commerce.call(tool_name, arguments)
        except ToolError as error:
            raise HTTPException(400, str(error)) from error
        except ToolArgumentError as error:
            raise HTTPException(422, str(error)) from error
        except UnknownToolError as error:
            raise HTTPException(404, str(error)) from error
        return JSONResponse({"result": result})

    return router


async def _arguments(request: Request) -> dict[str, Any]:
    body = await request.body()
    if not body.strip():
        return {}
    try:
        arguments = json.loads(body)
    except ValueError as error:
        raise HTTPException(422, f"request body is not valid JSON: {error}") from error
    if not isinstance(arguments, dict):
        kind = _JSON_KINDS.get(type(arguments), type(arguments).__name__)
        raise HTTPException(422, f"request body must be a JSON object of arguments, not {kind}")
    return arguments


_JSON_KINDS: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def _order_id(order_id: str) -> str:
    """Accept order ids with or without their leading '#', which is awkward in URLs."""
    return order_id if order_id.startswith("#") else f"#{order_id}"


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": "Bearer"})
