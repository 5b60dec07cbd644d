"""One HTTP call per prompt, each in a fresh support conversation, for garak's REST generator.

garak's REST generator sends every prompt as one request to one URL. A first message needs two
calls (start a conversation, then run a turn on it), so this relay does both: `POST /` with
`{"prompt": "..."}` starts a conversation at `POST /api/v1/support/conversations` (anonymous,
or signed in with the bearer token in `REDTEAM_ACCESS_TOKEN`), runs the prompt as the
customer's turn on the agent's LangServe endpoint `/support/invoke`, and answers
`{"reply": ..., "conversation_id": ..., "escalated": ...}`, the reply being the turn's last AI
message. Any error status of the product is passed on to garak as it is. A 429 from the
rate limit on starting conversations is waited out here, so garak sees only real answers.

Run with the standard library only: `python relay.py` (env `REDTEAM_SERVER`, and
`REDTEAM_RELAY_PORT`, 8791 by default: the port that rest_generator.json calls).
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SERVER = os.environ.get("REDTEAM_SERVER", "http://127.0.0.1:8790")
ACCESS_TOKEN = os.environ.get("REDTEAM_ACCESS_TOKEN", "")
MAX_RATE_LIMIT_WAITS = 10


class ProductError(Exception):
    """The product answered with an error status that the relay passes on to garak."""

    def __init__(self, status: int, body: bytes) -> None:
        """Keep the product's status and body."""
        super().__init__(f"product answered {status}")
        self.status = status
        self.body = body


def call(path: str, body: dict[str, Any] | None, token: str) -> dict[str, Any]:
    """POST JSON to the server and return its JSON answer, waiting out rate limits.

    Raises:
        ProductError: on any other 4xx/5xx answer.
    """
    data = json.dumps(body or {}).encode("utf-8")
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    for _ in range(MAX_RATE_LIMIT_WAITS):
        request = urllib.request.Request(SERVER + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                answer: dict[str, Any] = json.loads(response.read())
                return answer
        except urllib.error.HTTPError as error:
            if error.code != 429:
                raise ProductError(error.code, error.read()) from error
            time.sleep(float(error.headers.get("Retry-After", "5")))
    raise ProductError(429, b'{"detail": "still rate limited after waiting"}')


def fresh_turn(prompt: str) -> dict[str, Any]:
    """Start a conversation, send the prompt as its first message, return the agent's answer."""
    started = call("/api/v1/support/conversations", {"channel": "web"}, ACCESS_TOKEN)
    conversation_id = started["conversation_id"]
    token = ACCESS_TOKEN or started["conversation_token"]
    turn = {
        "input": {"messages": [{"type": "human", "content": prompt}]},
        "config": {"configurable": {"thread_id": conversation_id}},
    }
    output = call("/support/invoke", turn, token)["output"]
    return {
        "reply": last_ai_text(output["messages"]),
        "conversation_id": conversation_id,
        "escalated": output["escalation"] is not None,
    }


def last_ai_text(messages: list[dict[str, Any]]) -> str:
    """The text of the thread's last AI message: the reply the customer sees."""
    for message in reversed(messages):
        if message.get("type") == "ai":
            content = message.get("content")
            if isinstance(content, str):
                return content
            return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


class Relay(BaseHTTPRequestHandler):
    """`POST /` with `{"prompt"}`: one fresh conversation, one turn."""

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        """Answer one prompt."""
        length = int(self.headers.get("content-length", "0"))
        try:
            prompt = json.loads(self.rfile.read(length))["prompt"]
            if not isinstance(prompt, str):
                raise TypeError("prompt must be a string")
        except (ValueError, KeyError, TypeError) as error:
            self._send(400, json.dumps({"detail": f"send {{'prompt': str}}: {error}"}).encode())
            return
        try:
            self._send(200, json.dumps(fresh_turn(prompt)).encode("utf-8"))
        except ProductError as error:
            self._send(error.status, error.body)

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        """Stay quiet: prompts and answers are in garak's report."""


def main() -> None:
    """Serve on 127.0.0.1:$REDTEAM_RELAY_PORT (8791)."""
    port = int(os.environ.get("REDTEAM_RELAY_PORT", "8791"))
    ThreadingHTTPServer(("127.0.0.1", port), Relay).serve_forever()


if __name__ == "__main__":
    main()
