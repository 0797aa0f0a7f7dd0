"""Log lines that say which request they belong to, as text for people or JSON for a log collector.

The request id is a context variable: the HTTP edge sets it for each request
(`http.observe`), `jobs.enqueue` copies it into each job it writes, and the
worker sets it again while that job runs, so a request's lines and its jobs'
lines share one id. It never decides anything; it is only written down.

`configure(fmt)` sets up the root logger for the command line's processes;
`uvicorn_config(fmt)` is the same for uvicorn, which configures its own
loggers in every server process it starts.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import traceback
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any, Literal

LogFormat = Literal["text", "json"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s [%(request_id)s]"

_REQUEST_ID: ContextVar[str | None] = ContextVar("sameside_request_id", default=None)
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def new_request_id() -> str:
    """A fresh id: 16 hex digits, unguessable enough to tell requests apart."""
    return secrets.token_hex(8)


def sane_request_id(sent: str | bytes | None) -> str | None:
    """`sent` when it is a usable id (1–64 of letters, digits and `._:-`), else None."""
    if isinstance(sent, bytes):
        try:
            sent = sent.decode("ascii")
        except UnicodeDecodeError:
            return None
    return sent if sent and _SANE.fullmatch(sent) else None


def request_id() -> str | None:
    """The id of the request (or of the request behind the job) this code runs for; None outside one."""
    return _REQUEST_ID.get()


def bind_request_id(value: str | None) -> Token[str | None]:
    """From here on, log lines carry `value`; hand the token to `unbind_request_id` when done."""
    return _REQUEST_ID.set(value)


def unbind_request_id(token: Token[str | None]) -> None:
    _REQUEST_ID.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (`-` outside a request), for both formats."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _REQUEST_ID.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, and exc_info when any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _REQUEST_ID.get(),
        }
        if line["request_id"] == "-":
            line["request_id"] = None
        if record.exc_info:
            line["exc_info"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(line, ensure_ascii=False, default=str)


def formatter(fmt: LogFormat) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def configure(fmt: LogFormat, level: int = logging.INFO) -> None:
    """The root logger writes to stderr in `fmt`, each line with its request id (command-line processes)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def uvicorn_config(fmt: LogFormat) -> dict[str, Any]:
    """A `logging.config` dict for uvicorn: its loggers and ours (the root) in `fmt`, with request ids.

    uvicorn applies it in each server process it starts, so every worker logs
    alike. In text form uvicorn's own lines keep its usual look.
    """
    text = {"format": TEXT_FORMAT}
    chosen = {"()": f"{__name__}.JsonFormatter"} if fmt == "json" else text
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"chosen": chosen},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "chosen",
                "filters": ["request_id"],
            },
        },
        "loggers": {
            "uvicorn": {"handlers": [], "level": "INFO", "propagate": True},
            "uvicorn.error": {"level": "INFO", "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "INFO", "propagate": True},
        },
        "root": {"handlers": ["stderr"], "level": "INFO"},
    }
