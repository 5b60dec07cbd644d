"""The production commerce adapter: the REST commerce service reached over HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx

from supportgraph.commerce.port import ToolError
from supportgraph.commerce.retail import ToolArgumentError, UnknownToolError

logger = logging.getLogger(__name__)

# A write is retried only when it certainly never reached the server; any later failure may
# mean it was applied, and running it twice would refund or charge twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_TRANSIENT_STATUS = frozenset({502, 503, 504})


class CommerceServiceError(RuntimeError):
    """The commerce service failed or refused the token; `status` is the HTTP status or None."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class HttpCommerce:
    """`CommercePort` over the `/api/v1` REST API built by `commerce.api.build_router`.

    Args:
        base_url: the service root, e.g. "http://commerce:8000".
        token: the bearer service token.
        timeout: seconds per request.
        retries: extra attempts after a connection failure (and, for reads, a timeout or a
            502/503/504).
        backoff: seconds before the first retry; doubled for each further one.
        transport: an httpx transport, e.g. `httpx.ASGITransport(app)` in tests.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: float = 10,
        retries: int = 3,
        *,
        backoff: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            transport=transport,
        )

    async def call(self, tool: str, args: dict[str, Any]) -> Any:
        """Run one retail tool by its τ-bench name.

        Raises:
            ToolError: the tool refused the request (HTTP 400).
            UnknownToolError: no such tool (404); a `KeyError`.
            ToolArgumentError: the arguments do not fit the tool (422); a `TypeError`.
            CommerceServiceError: any other failure.
        """
        path = f"/tools/{quote(tool, safe='')}"
        response = await self._send(lambda: self._client.post(path, json=args), _NOT_SENT)
        if response.status_code == 400:
            raise ToolError(_detail(response))
        if response.status_code == 404:
            raise UnknownToolError(tool)
        if response.status_code == 422:
            raise ToolArgumentError(_detail(response))
        return _json(response)["result"]

    async def get_order(self, order_id: str) -> dict[str, Any] | None:
        """Return the order record or None."""
        return await self._get("orders", order_id)

    async def get_user(self, user_id: str) -> dict[str, Any] | None:
        """Return the user record or None."""
        return await self._get("users", user_id)

    async def get_product(self, product_id: str) -> dict[str, Any] | None:
        """Return the product record or None."""
        return await self._get("products", product_id)

    async def get_payment(self, payment_method_id: str) -> dict[str, Any] | None:
        """Return the payment method with its owner's `user_id`, or None."""
        return await self._get("payments", payment_method_id)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.aclose()

    async def _get(self, kind: str, key: str) -> dict[str, Any] | None:
        # Quoting everything turns the "#" of an order id into %23 instead of a URL fragment.
        path = f"/{kind}/{quote(key, safe='')}"
        retriable = (httpx.TransportError,)
        response = await self._send(lambda: self._client.get(path), retriable, idempotent=True)
        if response.status_code == 404:
            return None
        return _json(response)

    async def _send(
        self,
        request: Callable[[], Awaitable[httpx.Response]],
        retriable: tuple[type[Exception], ...],
        *,
        idempotent: bool = False,
    ) -> httpx.Response:
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = await request()
            except retriable as error:
                if last:
                    raise CommerceServiceError(f"commerce service unreachable: {error}") from error
                logger.warning("commerce request failed (%s); retrying", error)
            except httpx.HTTPError as error:
                raise CommerceServiceError(f"commerce request failed: {error}") from error
            else:
                if not (idempotent and response.status_code in _TRANSIENT_STATUS and not last):
                    return response
                logger.warning("commerce service answered %s; retrying", response.status_code)
            await asyncio.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except (ValueError, AttributeError):
        return response.text


def _json(response: httpx.Response) -> Any:
    if response.status_code == 401:
        raise CommerceServiceError(f"commerce service refused the token: {_detail(response)}", 401)
    if response.status_code != 200:
        raise CommerceServiceError(
            f"commerce service answered {response.status_code}: {_detail(response)}",
            response.status_code,
        )
    return response.json()
