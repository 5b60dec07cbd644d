"""The served product: RemoteRunnable turns, confirmation, REST records, isolated data dirs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from langserve import RemoteRunnable

from supportgraph.api.agent import last_reply
from supportgraph.commerce.factory import build_commerce
from supportgraph.settings import DEV_SERVICE_TOKEN, Settings

EMAIL = "yusuf.rossi7301@example.com"
ORDER = "#W6247578"  # pending in the shipped data
OTHER_ORDER = "#W5565470"  # belongs to another customer
AUTH = {"Authorization": f"Bearer {DEV_SERVICE_TOKEN}"}


def start(url: str) -> tuple[RemoteRunnable, str]:
    """An anonymous conversation: a RemoteRunnable holding its token, and its id."""
    body = httpx.post(f"{url}/api/v1/support/conversations").json()
    headers = {"Authorization": f"Bearer {body['conversation_token']}"}
    return RemoteRunnable(f"{url}/support", headers=headers), body["conversation_id"]


def ask(remote: RemoteRunnable, text: str, thread: str) -> str:
    output: dict[str, Any] = remote.invoke(
        {"messages": [{"type": "human", "content": text}]},
        config={"configurable": {"thread_id": thread}},
    )
    return last_reply(output["messages"])


def order_status(url: str, order_id: str) -> str:
    response = httpx.get(f"{url}/api/v1/orders/{order_id.replace('#', '%23')}", headers=AUTH)
    response.raise_for_status()
    return str(response.json()["status"])


def test_that_a_customer_cancels_a_pending_order_after_saying_yes(served: dict[str, str]) -> None:
    remote, thread = start(served["url"])
    assert "verify your identity" in ask(remote, f"Hi, I'd like to cancel order {ORDER}", thread)
    reply = ask(remote, f"Sure, my email is {EMAIL}", thread)
    assert "reason" in reply.lower()
    question = ask(remote, "I ordered it by mistake", thread)
    assert f"cancel order {ORDER}" in question and "yes or no" in question
    assert order_status(served["url"], ORDER) == "pending"
    assert "cancelled" in ask(remote, "yes", thread)
    assert order_status(served["url"], ORDER) == "cancelled"


def test_that_another_customers_order_gets_a_refusal_and_no_data(served: dict[str, str]) -> None:
    remote, thread = start(served["url"])
    ask(remote, f"my email is {EMAIL}", thread)
    reply = ask(remote, f"What's the status of order {OTHER_ORDER}?", thread)
    assert "can't find order" in reply
    other = httpx.get(
        f"{served['url']}/api/v1/orders/{OTHER_ORDER.replace('#', '%23')}", headers=AUTH
    ).json()
    for item in other["items"]:
        assert item["name"] not in reply
        assert item["item_id"] not in reply


def test_that_health_reports_the_embedded_responder(served: dict[str, str]) -> None:
    body = httpx.get(f"{served['url']}/health").json()
    assert body["status"] == "ok" and body["responder"] == "flow"


@pytest.mark.asyncio
async def test_that_two_data_directories_share_no_state(tmp_path: Path) -> None:
    first = build_commerce(Settings(data_dir=tmp_path / "a", database_url="", commerce_url=""))
    second = build_commerce(Settings(data_dir=tmp_path / "b", database_url="", commerce_url=""))
    await first.call("cancel_pending_order", {"order_id": ORDER, "reason": "no longer needed"})
    assert (await first.get_order(ORDER))["status"] == "cancelled"
    assert (await second.get_order(ORDER))["status"] == "pending"
    await first.aclose()
    await second.aclose()
