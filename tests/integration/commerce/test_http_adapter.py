"""HttpCommerce against the real router: same answers as in-process, safe retries."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from supportgraph.commerce.api import build_router
from supportgraph.commerce.http import CommerceServiceError, HttpCommerce
from supportgraph.commerce.local import InProcessCommerce
from supportgraph.commerce.port import ToolError
from supportgraph.commerce.retail import ToolArgumentError, UnknownToolError
from supportgraph.commerce.store import Store

TOKEN = "test-token"


def app_over(store: Store) -> FastAPI:
    app = FastAPI()
    app.include_router(build_router(InProcessCommerce(store), TOKEN))
    return app


async def outcome(step: Callable[[], Any]) -> Any:
    """The step's value, or the exception's type name and message."""
    try:
        return await step()
    except (ToolError, KeyError, TypeError) as error:
        return (type(error).__name__, str(error))


def script(port: Any, data: dict[str, Any]) -> list[Callable[[], Any]]:
    """The same reads, writes and refusals, to run against two adapters."""
    orders = data["orders"]
    pending = next(k for k, o in orders.items() if o["status"] == "pending")
    delivered = next(k for k, o in orders.items() if o["status"] == "delivered")
    order = orders[delivered]
    user_id = order["user_id"]
    method_id = order["payment_history"][0]["payment_method_id"]
    product_id = order["items"][0]["product_id"]
    return [
        lambda: port.get_order(pending),
        lambda: port.get_order("#W0"),
        lambda: port.get_user(user_id),
        lambda: port.get_product(product_id),
        lambda: port.get_payment(method_id),
        lambda: port.get_payment("nope"),
        lambda: port.call("find_user_id_by_email", {"email": data["users"][user_id]["email"]}),
        lambda: port.call("list_all_product_types", {}),
        lambda: port.call("calculate", {"expression": "1 / 3"}),
        lambda: port.call("cancel_pending_order", {"order_id": pending, "reason": "oops"}),
        lambda: port.call(
            "cancel_pending_order", {"order_id": pending, "reason": "no longer needed"}
        ),
        lambda: port.call(
            "cancel_pending_order", {"order_id": pending, "reason": "no longer needed"}
        ),
        lambda: port.call(
            "return_delivered_order_items",
            {
                "order_id": delivered,
                "item_ids": [order["items"][0]["item_id"]],
                "payment_method_id": method_id,
            },
        ),
        lambda: port.call("get_order_details", {"order_id": 7}),
        lambda: port.call("no_such_tool", {}),
        lambda: port.get_order(delivered),
    ]


@pytest.mark.asyncio
async def test_that_http_and_in_process_adapters_answer_alike(
    store: Store, new_store: Callable[[], Store], shipped_data: dict[str, Any]
) -> None:
    served = new_store()
    local = InProcessCommerce(store)
    remote = HttpCommerce(
        "http://commerce", TOKEN, transport=httpx.ASGITransport(app=app_over(served))
    )

    local_results = [await outcome(step) for step in script(local, shipped_data)]
    remote_results = [await outcome(step) for step in script(remote, shipped_data)]
    await remote.aclose()

    assert remote_results == local_results
    assert local_results[1] is None and local_results[5] is None
    assert local_results[9] == ("ToolError", "Error: invalid reason")
    assert local_results[10]["status"] == "cancelled"
    assert local_results[13][0] == "ToolArgumentError"
    assert local_results[14] == ("UnknownToolError", "unknown tool 'no_such_tool'")
    assert store.state_hash() == served.state_hash()


@pytest.fixture
def live_server(store: Store) -> Iterator[str]:
    """The router served by uvicorn on a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app_over(store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        threading.Event().wait(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


@pytest.mark.asyncio
async def test_that_the_adapter_works_over_a_real_socket(
    live_server: str, shipped_data: dict[str, Any]
) -> None:
    remote = HttpCommerce(live_server, TOKEN, timeout=5)
    order_id = next(iter(shipped_data["orders"]))

    try:
        assert await remote.get_order(order_id) == shipped_data["orders"][order_id]
        assert await remote.get_order("#W0") is None
        with pytest.raises(ToolError, match="^Error: non-pending order cannot be cancelled$"):
            await remote.call("cancel_pending_order", {"order_id": order_id, "reason": "x"})
        bad_token = HttpCommerce(live_server, "wrong", timeout=5)
        with pytest.raises(CommerceServiceError) as caught:
            await bad_token.get_user("x")
        assert caught.value.status == 401
        await bad_token.aclose()
    finally:
        await remote.aclose()


class Flaky(httpx.AsyncBaseTransport):
    """Fails the first `failures` requests with `error` (or a 503), then answers 200 {}."""

    def __init__(self, failures: int, error: Exception | None) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls <= self.failures:
            if self.error is None:
                return httpx.Response(503, json={"detail": "busy"})
            raise self.error
        return httpx.Response(200, json={"result": "ok", "order_id": "#W1"})


def adapter(transport: httpx.AsyncBaseTransport, retries: int = 3) -> HttpCommerce:
    return HttpCommerce("http://commerce", TOKEN, retries=retries, backoff=0, transport=transport)


@pytest.mark.asyncio
@pytest.mark.parametrize("error", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), None])
async def test_that_reads_retry_connection_failures_timeouts_and_503(
    error: Exception | None,
) -> None:
    transport = Flaky(2, error)

    assert await adapter(transport).get_order("#W1") == {"result": "ok", "order_id": "#W1"}
    assert transport.calls == 3


@pytest.mark.asyncio
async def test_that_a_write_is_retried_only_when_it_never_reached_the_server() -> None:
    unsent = Flaky(1, httpx.ConnectError("refused"))
    maybe_applied = Flaky(1, httpx.ReadTimeout("slow"))

    assert await adapter(unsent).call("think", {"thought": "x"}) == "ok"
    with pytest.raises(CommerceServiceError, match="slow"):
        await adapter(maybe_applied).call("cancel_pending_order", {"order_id": "#W1"})

    assert unsent.calls == 2
    assert maybe_applied.calls == 1


@pytest.mark.asyncio
async def test_that_retries_give_up_with_a_service_error() -> None:
    transport = Flaky(10, httpx.ConnectError("refused"))

    with pytest.raises(CommerceServiceError, match="unreachable"):
        await adapter(transport, retries=2).get_user("u")

    assert transport.calls == 3


def test_that_adapter_errors_keep_the_port_contract() -> None:
    assert issubclass(UnknownToolError, KeyError)
    assert issubclass(ToolArgumentError, TypeError)
    assert asyncio.iscoroutinefunction(HttpCommerce.call)
