"""Where notifications go: a log line, a signed webhook, or a push provider.

A sender is anything with `send(message)` that raises SendError on failure. Push
providers plug in the same way: give the message's `device_tokens` to the provider.
"""

import hashlib
import hmac
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import httpx
import orjson
import structlog

log = structlog.get_logger("kap_journal.notifications")


@dataclass(frozen=True)
class DeviceResult:
    """What a push service answered for one device."""

    device_id: str
    platform: str
    ok: bool
    status: int | None = None  # the service's HTTP status; None when it was not reached
    reason: str | None = None  # the service's reason word, or the network error's class
    drop: bool = False  # the service rejected the token: forget the device
    retry_after: float | None = None


class SendError(Exception):
    """A failed attempt: retried with backoff (at least `retry_after` seconds)."""

    def __init__(
        self,
        reason: str,
        *,
        retry_after: float | None = None,
        results: Sequence[DeviceResult] = (),
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.results = tuple(results)


@dataclass(frozen=True)
class Message:
    id: str
    kind: str
    user_id: str
    title: str
    body: str
    data: dict[str, Any]
    due_at: str
    # {"id", "platform", "token"} of each device not yet reached by this notification.
    device_tokens: list[dict[str, str]] = field(default_factory=list)
    # Devices an earlier attempt already reached (they are not in device_tokens).
    devices_reached: int = 0


class Sender(Protocol):
    """Returns what each device's service answered (push), or None."""

    def send(self, message: Message) -> Sequence[DeviceResult] | None: ...


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
        fields = asdict(message)
        del fields["devices_reached"]
        body = orjson.dumps(fields)
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
