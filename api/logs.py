"""Process logging: text or JSON lines on stderr, every record redacted of customer PII.

`install_log_redaction` redacts each record when it is created, so whichever formatter writes
it (text or JSON) sees the cleaned message and traceback.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from supportgraph.guardrails.pii import install_log_redaction

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
LOG_FORMATS = ("text", "json")
"""Values of `SUPPORTGRAPH_LOG_FORMAT`."""


class JsonFormatter(logging.Formatter):
    """One JSON object per line: `ts`, `level`, `logger`, `message`, `exc_info`.

    `request_id` is added when the record carries one (`extra={"request_id": ...}`).
    """

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as one line of JSON."""
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "exc_info": record.exc_text or None,
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            entry["request_id"] = str(request_id)
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter_for(log_format: str, text_format: str = TEXT_FORMAT) -> logging.Formatter:
    """The formatter of a `SUPPORTGRAPH_LOG_FORMAT` value.

    Raises:
        ValueError: Neither `text` nor `json`.
    """
    if log_format == "json":
        return JsonFormatter()
    if log_format == "text":
        return logging.Formatter(text_format)
    raise ValueError(f"SUPPORTGRAPH_LOG_FORMAT must be one of {LOG_FORMATS}, got {log_format!r}")


def configure_logging(level: str, log_format: str, *, text_format: str = TEXT_FORMAT) -> None:
    """Log to stderr at `level` in `log_format`, with PII redaction installed.

    Does nothing to a root logger that already has handlers, as `logging.basicConfig`.

    Args:
        level: A logging level name (`INFO`).
        log_format: `text` or `json`.
        text_format: The `%`-style line of the text format.
    """
    handler = logging.StreamHandler()
    handler.setFormatter(formatter_for(log_format, text_format))
    logging.basicConfig(level=level, handlers=[handler])
    install_log_redaction()
