"""The support WebSocket: a turn streamed as chunks then a final message, and who may send."""

from __future__ import annotations

import asyncio
import base64
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from supportgraph.api.events import InProcessBus, RedisBus, chunks
from supportgraph.tests.integration.test_conversations_api import (
    BASE,
    EMAIL,
    USER,
    bearer,
    client_for,
    login,
    pending_order,
)

WS = "/api/v1/support/ws"


def until_final(ws: Any) -> list[dict[str, Any]]:
    """Events up to and including the final AI_RESPONSE."""
    events = []
    while True:
        event = ws.receive_json()
        events.append(event)
        if event["type"] == "ERROR" or (event["type"] == "AI_RESPONSE" and event["final"]):
            return events


@pytest.mark.asyncio
async def test_that_a_signed_in_customer_continues_over_the_websocket(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    order_id = await pending_order(commerce)
    ask = f"cancel {order_id}, no longer needed"
    readings = {ask: ("cancel_order", {"order_ids": [order_id], "reason": "no longer needed"})}
    with client_for(commerce, tmp_path, readings, **backend) as client:
        headers = login(client, "USER", USER)
        cid = client.post(BASE, headers=headers).json()["conversation_id"]
        with client.websocket_connect(WS, headers=headers) as ws:
            ws.send_json({"type": "SEND_MESSAGE", "conversation_id": cid, "content": ask})
            events = until_final(ws)
            parts = [e for e in events if e["type"] == "AI_RESPONSE" and not e["final"]]
            final = events[-1]
            assert len(parts) > 1 and final["final"] is True
            assert "".join(p["chunk"] for p in parts) == final["content"]
            assert "yes or no" in final["content"] and order_id in final["content"]
            assert ws.receive_json()["type"] == "SENTIMENT_UPDATE"
            ws.send_json({"type": "ESCALATE", "conversation_id": cid})
            status = ws.receive_json()
            assert status["type"] == "CONVERSATION_STATUS" and status["status"] == "ESCALATED"
        stored = client.get(f"{BASE}/{cid}", headers=headers).json()
        assert [m["sender"] for m in stored["messages"]] == ["CUSTOMER", "AI", "SYSTEM"]
        assert stored["messages"][1]["content"] == final["content"]


def test_that_an_anonymous_conversation_goes_on_over_the_websocket_with_its_token(
    commerce: Any, tmp_path: Path, backend: dict[str, str]
) -> None:
    verify = f"my email is {EMAIL}"
    readings = {verify: ("provide_identity", {"email": EMAIL})}
    with client_for(commerce, tmp_path, readings, **backend) as client:
        started = client.post(BASE).json()
        cid, token = started["conversation_id"], started["conversation_token"]
        other = client.post(BASE).json()["conversation_token"]
        with client.websocket_connect(f"{WS}?token={token}") as ws:
            ws.send_json({"type": "SEND_MESSAGE", "conversation_id": cid, "content": verify})
            assert until_final(ws)[-1]["final"] is True
        with client.websocket_connect(WS, headers=bearer(other)) as ws:
            ws.send_json({"type": "SEND_MESSAGE", "conversation_id": cid, "content": "my address?"})
            error = ws.receive_json()
            assert error["type"] == "ERROR" and error["code"] == "not_found"
        with client.websocket_connect(WS) as ws:
            assert ws.receive_json()["code"] == "missing_token"
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 4401
        messages = client.get(f"{BASE}/{cid}", headers=bearer(token)).json()["messages"]
        assert [m["content"] for m in messages if m["sender"] == "CUSTOMER"] == [verify]


def test_that_bad_frames_and_voice_get_stable_error_codes(commerce: Any, tmp_path: Path) -> None:
    with client_for(commerce, tmp_path, {}) as client:
        started = client.post(BASE).json()
        cid, token = started["conversation_id"], started["conversation_token"]
        with client.websocket_connect(WS, headers=bearer(token)) as ws:
            for frame, code in (
                ("not json", "invalid_json"),
                ('{"type": "DANCE", "conversation_id": "x"}', "unknown_event"),
                ('{"type": "VOICE_START", "conversation_id": "x"}', "voice_unavailable"),
                ('{"type": "SEND_MESSAGE", "conversation_id": "x"}', "invalid_event"),
                (
                    '{"type": "SUBMIT_FEEDBACK", "conversation_id": "x", "rating": 9}',
                    "invalid_event",
                ),
                ("x" * 70_000, "payload_too_large"),
            ):
                ws.send_text(frame)
                event = ws.receive_json()
                assert (event["type"], event["code"]) == ("ERROR", code), frame[:40]
            ws.send_json({"type": "VOICE_TRANSCRIPT", "conversation_id": cid, "content": "hello"})
            assert until_final(ws)[-1]["final"] is True
            ws.send_json({"type": "SUBMIT_FEEDBACK", "conversation_id": cid, "rating": 4})
            events = [ws.receive_json() for _ in range(2)]
            assert "FEEDBACK_RECORDED" in [e["type"] for e in events]
        stored = client.get(f"{BASE}/{cid}", headers=bearer(token)).json()["messages"]
        assert stored[0]["type"] == "VOICE_TRANSCRIPT"


def test_that_chunks_join_back_to_the_reply() -> None:
    text = "  Order #W1 is pending.\nIt holds a kettle and a lamp, and ships soon."
    assert "".join(chunks(text)) == text and len(chunks(text)) == 3
    assert chunks("") == [""]


async def _round_trip(bus: Any) -> dict[str, Any]:
    cid = f"conv_{uuid.uuid4().hex}"
    async with bus.subscribe(cid) as events:
        await bus.publish(cid, {"type": "CONVERSATION_STATUS", "status": "ESCALATED"})
        return await asyncio.wait_for(anext(aiter(events)), 5)


@pytest.mark.asyncio
async def test_that_the_in_process_bus_delivers_to_subscribers() -> None:
    assert (await _round_trip(InProcessBus()))["status"] == "ESCALATED"


@pytest.mark.asyncio
async def test_that_events_cross_processes_through_redis() -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    publisher, subscriber = (
        RedisBus("redis://127.0.0.1:6379/0"),
        RedisBus("redis://127.0.0.1:6379/0"),
    )
    cid = f"conv_{uuid.uuid4().hex}"
    try:
        async with subscriber.subscribe(cid) as events:
            await publisher.publish(cid, {"type": "SENTIMENT_UPDATE", "sentiment": -0.5})
            event = await asyncio.wait_for(anext(aiter(events)), 5)
        assert event == {"type": "SENTIMENT_UPDATE", "sentiment": -0.5}
    finally:
        await publisher.aclose()
        await subscriber.aclose()


def test_that_voice_audio_is_transcribed_when_a_speech_model_is_configured(
    commerce: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard: list[tuple[bytes, str]] = []

    async def transcribe(self: Any, audio: bytes, *, audio_format: str) -> str:
        heard.append((audio, audio_format))
        return "where is my order"

    monkeypatch.setattr("supportgraph.api.speech.OpenAITranscription.transcribe", transcribe)
    with client_for(commerce, tmp_path, {}, speech_model="whisper-1") as client:
        started = client.post(BASE).json()
        cid, token = started["conversation_id"], started["conversation_token"]
        with client.websocket_connect(WS, headers=bearer(token)) as ws:
            audio = base64.b64encode(b"RIFF....WAVE").decode()
            ws.send_json({"type": "VOICE_AUDIO", "conversation_id": cid, "audio": audio})
            transcript = ws.receive_json()
            assert transcript == {
                "type": "VOICE_TRANSCRIPT",
                "conversation_id": cid,
                "content": "where is my order",
            }
            assert until_final(ws)[-1]["final"] is True
            assert ws.receive_json()["type"] == "SENTIMENT_UPDATE"
            ws.send_json({"type": "VOICE_AUDIO", "conversation_id": cid, "audio": "%%%"})
            assert ws.receive_json()["code"] == "invalid_event"
        assert heard == [(b"RIFF....WAVE", "webm")]
        stored = client.get(f"{BASE}/{cid}", headers=bearer(token)).json()["messages"]
        assert (stored[0]["type"], stored[0]["content"]) == (
            "VOICE_TRANSCRIPT",
            "where is my order",
        )


@pytest.mark.asyncio
async def test_that_the_transcription_adapter_posts_to_an_openai_compatible_endpoint() -> None:
    import httpx
    from openai import AsyncOpenAI

    from supportgraph.api.speech import OpenAITranscription

    seen: list[httpx.Request] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"text": " cancel my order "})

    client = AsyncOpenAI(
        base_url="http://127.0.0.1:9/v1",
        api_key="k",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(endpoint)),
    )
    adapter = OpenAITranscription("whisper-1", client=client)
    assert await adapter.transcribe(b"OggS", audio_format="ogg") == "cancel my order"
    assert seen[0].url.path == "/v1/audio/transcriptions"
    assert b"whisper-1" in seen[0].content and b"speech.ogg" in seen[0].content
    with pytest.raises(ValueError):
        await adapter.transcribe(b"x", audio_format="exe")
