"""`langgraph dev` serves the same graph from langgraph.json; a thread runs through the SDK."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from langgraph_sdk import get_client

from supportgraph.api.auth import Authenticator, Role
from supportgraph.commerce.store import Store
from supportgraph.encryption.keyring import load_keyring
from supportgraph.settings import Settings
from supportgraph.tests.e2e.conftest import REPO, free_port, server_env, start, stop

EMAIL = "yusuf.rossi7301@example.com"
ORDER = "#W4776164"  # pending in the shipped data


@pytest.fixture(scope="module")
def dev_server(
    tmp_path_factory: pytest.TempPathFactory, models_dir: Path
) -> Iterator[dict[str, str]]:
    langgraph = shutil.which("langgraph", path=str(Path(REPO / ".venv" / "bin"))) or shutil.which(
        "langgraph"
    )
    if langgraph is None:
        pytest.skip("the langgraph CLI is not installed")
    data_dir = tmp_path_factory.mktemp("studio")
    port = free_port()
    command = [langgraph, "dev", "--no-browser", "--no-reload", "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    process = start(command, server_env(data_dir, models_dir), f"{base}/ok", data_dir / "dev.log")
    yield {"url": base, "data_dir": str(data_dir)}
    stop(process)


@pytest.mark.asyncio
async def test_that_a_studio_thread_cancels_after_the_customer_confirms(
    dev_server: dict[str, str],
) -> None:
    client = get_client(url=dev_server["url"], headers=token_for(dev_server, "yusuf_rossi_9620"))
    assistants = await client.assistants.search(graph_id="support")
    assert assistants, "langgraph.json must register the 'support' graph"
    thread = await client.threads.create()
    ask = f"Please cancel order {ORDER}, I no longer need it. My email is {EMAIL}"
    result = await client.runs.wait(
        thread["thread_id"], "support", input={"messages": [{"role": "human", "content": ask}]}
    )
    assert "yes or no" in result["messages"][-1]["content"]
    state = await client.threads.get_state(thread["thread_id"])
    assert state["interrupts"], "the write must wait for the customer's answer"
    data_dir = Path(dev_server["data_dir"])
    store = Store(
        f"sqlite:///{data_dir / 'store.db'}", keyring=load_keyring(Settings(data_dir=data_dir))
    )
    assert store.snapshot()["orders"][ORDER]["status"] == "pending"

    result = await client.runs.wait(thread["thread_id"], "support", command={"resume": "yes"})
    assert "cancelled" in result["messages"][-1]["content"]
    assert store.snapshot()["orders"][ORDER]["status"] == "cancelled"


@pytest.mark.asyncio
async def test_that_a_studio_thread_belongs_to_its_creator(dev_server: dict[str, str]) -> None:
    owner = get_client(url=dev_server["url"], headers=token_for(dev_server, "yusuf_rossi_9620"))
    other = get_client(url=dev_server["url"], headers=token_for(dev_server, "mei_kovacs_8020"))
    thread = await owner.threads.create()
    with pytest.raises(httpx.HTTPStatusError) as refused:
        await other.threads.get_state(thread["thread_id"])
    assert refused.value.response.status_code == 404
    assert thread["thread_id"] not in [t["thread_id"] for t in await other.threads.search()]
    anonymous = get_client(url=dev_server["url"], headers={"Authorization": "Bearer nonsense"})
    with pytest.raises(httpx.HTTPStatusError) as unauthenticated:
        await anonymous.threads.search()
    assert unauthenticated.value.response.status_code == 401


def token_for(server: dict[str, str], user_id: str) -> dict[str, str]:
    """A development USER token signed with the served data directory's key."""
    auth = Authenticator(Settings(data_dir=Path(server["data_dir"])))
    return {"Authorization": f"Bearer {auth.issue(Role.USER, user_id)}"}
