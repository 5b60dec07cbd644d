"""The speech port: voice messages transcribed by an OpenAI-compatible endpoint, when configured.

Without a configured model there is no adapter, and the WebSocket answers VOICE_* audio events
with an ERROR (`voice_unavailable`); a client that transcribes on its own sends
VOICE_TRANSCRIPT text, which always works.
"""

from __future__ import annotations

import os
from typing import Any, Protocol

from supportgraph.settings import Settings

AUDIO_FORMATS = ("webm", "ogg", "wav", "mp3", "m4a", "flac")


class SpeechToText(Protocol):
    """Turns recorded speech into text."""

    async def transcribe(self, audio: bytes, *, audio_format: str) -> str:
        """The words spoken in `audio` (one of `AUDIO_FORMATS`)."""
        ...


class OpenAITranscription:
    """`POST /audio/transcriptions` of any OpenAI-compatible server (OpenAI, vLLM, whisper.cpp)."""

    def __init__(self, model: str, *, base_url: str = "", api_key: str = "", client: Any = None):
        """Use this model on this endpoint.

        Args:
            model: Transcription model name, e.g. `whisper-1`.
            base_url: The endpoint; empty means `OPENAI_BASE_URL`, else OpenAI.
            api_key: Its key; empty means `OPENAI_API_KEY`.
            client: A prebuilt `openai.AsyncOpenAI` (tests).
        """
        if client is None:
            from openai import AsyncOpenAI

            client = AsyncOpenAI(
                base_url=base_url or os.environ.get("OPENAI_BASE_URL") or None,
                api_key=api_key or os.environ.get("OPENAI_API_KEY") or "unset",
            )
        self.model = model
        self._client = client

    async def transcribe(self, audio: bytes, *, audio_format: str) -> str:
        """Send the recording and return the transcript's text."""
        if audio_format not in AUDIO_FORMATS:
            raise ValueError(f"audio format must be one of {', '.join(AUDIO_FORMATS)}")
        result = await self._client.audio.transcriptions.create(
            model=self.model, file=(f"speech.{audio_format}", audio)
        )
        return str(getattr(result, "text", "") or "").strip()


def build_speech(settings: Settings) -> SpeechToText | None:
    """The transcription adapter when a speech model is configured, else None."""
    if not settings.speech_model:
        return None
    return OpenAITranscription(
        settings.speech_model, base_url=settings.speech_base_url, api_key=settings.speech_api_key
    )
