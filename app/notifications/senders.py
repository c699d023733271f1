"""Where notifications go: a log line, a signed webhook, or a push provider.

A sender is anything with `send(message)` that raises SendError on failure. Push
providers plug in the same way: give the message's `device_tokens` to the provider.
"""

import hashlib
import hmac
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import httpx
import orjson
import structlog

log = structlog.get_logger("kap_journal.notifications")


class SendError(Exception):
    pass


@dataclass(frozen=True)
class Message:
    id: str
    kind: str
    user_id: str
    title: str
    body: str
    data: dict[str, Any]
    due_at: str
    device_tokens: list[dict[str, str]] = field(default_factory=list)


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


class LogSender:
    """The default: a log line per notification (kind and id only)."""

    def send(self, message: Message) -> None:
        log.info("notification_sent", kind=message.kind, notification_id=message.id)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256 of `timestamp.body` with the shared secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookSender:
    """POSTs each notification as JSON, signed, to the clinic's endpoint."""

    def __init__(self, url: str, secret: str, *, timeout: float = 5.0) -> None:
        self.url = url
        self.secret = secret
        self.client = httpx.Client(timeout=timeout)

    def send(self, message: Message) -> None:
        body = orjson.dumps(asdict(message))
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-KapJournal-Timestamp": ts,
            "X-KapJournal-Signature": signature(self.secret, ts, body),
        }
        try:
            response = self.client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise SendError(type(exc).__name__) from exc
        if response.status_code >= 300:
            raise SendError(f"webhook answered {response.status_code}")
