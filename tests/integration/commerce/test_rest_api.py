"""The /api/v1 commerce router: bearer auth, records, tool calls and their error statuses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from supportgraph.commerce.api import build_router
from supportgraph.commerce.local import InProcessCommerce
from supportgraph.commerce.store import Store

TOKEN = "test-token"


@pytest.fixture
async def client(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(build_router(InProcessCommerce(store), TOKEN))
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://commerce", headers=headers
    ) as http:
        yield http


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing bearer token: send 'Authorization: Bearer <service token>'"),
        ({"Authorization": "Bearer wrong"}, "invalid bearer token"),
        ({"Authorization": f"Basic {TOKEN}"}, "missing bearer token"),
    ],
)
async def test_that_every_path_needs_the_bearer_token(
    client: httpx.AsyncClient, headers: dict[str, str], message: str
) -> None:
    for method, path in [
        ("GET", "/api/v1/users/x"),
        ("GET", "/api/v1/tools"),
        ("POST", "/api/v1/tools/think"),
    ]:
        client.headers.pop("Authorization", None)
        response = await client.request(method, path, headers=headers, json={"thought": "hi"})

        assert response.status_code == 401
        assert response.json()["detail"].startswith(message)
        assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.asyncio
async def test_that_orders_are_found_with_or_without_their_hash(
    client: httpx.AsyncClient, shipped_data: dict[str, Any]
) -> None:
    order_id = next(iter(shipped_data["orders"]))

    encoded = await client.get(f"/api/v1/orders/%23{order_id[1:]}")
    bare = await client.get(f"/api/v1/orders/{order_id[1:]}")

    assert encoded.status_code == bare.status_code == 200
    assert encoded.json() == bare.json() == shipped_data["orders"][order_id]


@pytest.mark.asyncio
async def test_that_records_come_back_in_tau_bench_shape(
    client: httpx.AsyncClient, shipped_data: dict[str, Any]
) -> None:
    user_id, user = next(iter(shipped_data["users"].items()))
    product_id = next(iter(shipped_data["products"]))
    method_id, method = next(iter(user["payment_methods"].items()))

    assert (await client.get(f"/api/v1/users/{user_id}")).json() == user
    product = await client.get(f"/api/v1/products/{product_id}")
    assert product.json() == shipped_data["products"][product_id]
    payment = await client.get(f"/api/v1/payments/{method_id}")
    assert payment.json() == {**method, "user_id": user_id}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/v1/orders/%23W0000000", "order #W0000000 not found"),
        ("/api/v1/orders/W0000000", "order #W0000000 not found"),
        ("/api/v1/users/nobody_1", "user nobody_1 not found"),
        ("/api/v1/products/123", "product 123 not found"),
        ("/api/v1/payments/gift_card_0", "payment method gift_card_0 not found"),
    ],
)
async def test_that_missing_records_are_404_with_a_named_detail(
    client: httpx.AsyncClient, path: str, detail: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": detail}


@pytest.mark.asyncio
async def test_that_the_tool_list_carries_every_schema(client: httpx.AsyncClient) -> None:
    tools = (await client.get("/api/v1/tools")).json()

    assert len(tools) == 16
    cancel = next(t for t in tools if t["name"] == "cancel_pending_order")
    assert cancel["effect"] == "write"
    assert cancel["schema"]["function"]["parameters"]["required"] == ["order_id", "reason"]


@pytest.mark.asyncio
async def test_that_a_tool_call_returns_the_result_and_changes_the_store(
    client: httpx.AsyncClient, shipped_data: dict[str, Any]
) -> None:
    order_id = next(k for k, o in shipped_data["orders"].items() if o["status"] == "pending")

    response = await client.post(
        "/api/v1/tools/cancel_pending_order",
        json={"order_id": order_id, "reason": "ordered by mistake"},
    )

    assert response.status_code == 200
    assert response.json()["result"]["status"] == "cancelled"
    stored = (await client.get(f"/api/v1/orders/{order_id[1:]}")).json()
    assert stored["cancel_reason"] == "ordered by mistake"
    listed = await client.post("/api/v1/tools/list_all_product_types")
    assert len(listed.json()["result"]) == 50


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("tool", "body", "status", "detail"),
    [
        ("get_order_details", {"order_id": "#W0"}, 400, "Error: order not found"),
        ("calculate", {"expression": "2 ^ 3"}, 400, "Error: invalid characters in expression"),
        ("refund_everything", {}, 404, "unknown tool 'refund_everything'"),
        ("get_order_details", {}, 422, "get_order_details() missing required arguments: order_id"),
        (
            "get_order_details",
            {"order_id": "#W0", "x": 1},
            422,
            "get_order_details() got unexpected arguments: x",
        ),
        (
            "think",
            ["a thought"],
            422,
            "request body must be a JSON object of arguments, not an array",
        ),
    ],
)
async def test_that_tool_failures_map_to_statuses_with_clear_details(
    client: httpx.AsyncClient, tool: str, body: Any, status: int, detail: str
) -> None:
    response = await client.post(f"/api/v1/tools/{tool}", json=body)

    assert response.status_code == status
    assert response.json() == {"detail": detail}


@pytest.mark.asyncio
async def test_that_malformed_json_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/tools/think", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["detail"].startswith("request body is not valid JSON")


def test_that_the_openapi_schema_documents_the_routes(store: Store) -> None:
    app = FastAPI()
    app.include_router(build_router(InProcessCommerce(store), TOKEN))

    schema = app.openapi()

    order = schema["paths"]["/api/v1/orders/{order_id}"]["get"]
    assert order["summary"] == "Get an order"
    assert order["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Order"
    }
    tool = schema["paths"]["/api/v1/tools/{tool_name}"]["post"]
    assert set(tool["responses"]) >= {"200", "400", "401", "404", "422"}
    assert "requestBody" in tool
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_that_an_empty_token_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="non-empty service token"):
        build_router(InProcessCommerce(store), "")
