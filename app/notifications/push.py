"""Routing a notification to its user's phones, or to the fallback.

Every device of the user is sent to by its platform's service. A user with no
device, or whose every token was just rejected, gets the fallback (the webhook
when one is configured); otherwise the notification only stays in the feed.
Devices on a platform with no service set up go to the webhook too (a relay).
"""

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import structlog

from app.notifications.push_http import PushMetrics
from app.notifications.senders import DeviceResult, Message, Sender, SendError

log = structlog.get_logger("kap_journal.notifications")
# No device of a message is started after this; the rest wait for the retry. With at
# most four requests of KAPJ_PUSH_TIMEOUT_SECONDS (<= 5) per device, a message ends
# within 40 s, under the dispatcher's send margin (45 s).
MESSAGE_BUDGET_SECONDS = 20.0


class PushClient(Protocol):
    platform: str

    def push(self, device: dict[str, str], message: Message) -> DeviceResult: ...

    def close(self) -> None: ...


def _outcome(r: DeviceResult) -> str:
    if r.ok:
        return "delivered"
    return "rejected" if r.drop else "failed"


class PushRouter:
    """A Sender: APNs and FCM per device, with the webhook (or the feed) behind."""

    def __init__(
        self, clients: Sequence[PushClient], *, fallback: Sender | None, metrics: PushMetrics
    ) -> None:
        self.clients = {c.platform: c for c in clients}
        self.fallback, self.metrics = fallback, metrics

    def send(self, message: Message) -> list[DeviceResult]:
        started = time.monotonic()
        pushed = [d for d in message.device_tokens if d["platform"] in self.clients]
        relayed = [d for d in message.device_tokens if d["platform"] not in self.clients]
        results: list[DeviceResult] = []
        for device in pushed:
            if time.monotonic() - started > MESSAGE_BUDGET_SECONDS:
                results.append(
                    DeviceResult(device["id"], device["platform"], ok=False, reason="deferred")
                )
                continue
            result = self.clients[device["platform"]].push(device, message)
            self.metrics.delivered(result.platform, _outcome(result))
            results.append(result)
        nothing_else = not message.device_tokens and message.devices_reached == 0
        all_rejected = bool(pushed) and all(r.drop for r in results)
        if relayed or nothing_else or all_rejected:
            self._fall_back(replace(message, device_tokens=relayed), results)
        failed = [r for r in results if not r.ok and not r.drop]
        if failed:
            waits = [r.retry_after for r in failed if r.retry_after is not None]
            reasons = sorted(
                {f"{r.platform} {r.status or ''} {r.reason or ''}".strip() for r in failed}
            )
            raise SendError(
                "; ".join(reasons), retry_after=max(waits) if waits else None, results=results
            )
        return results

    def _fall_back(self, message: Message, results: list[DeviceResult]) -> None:
        if self.fallback is None:
            log.info("notification_feed_only", kind=message.kind, notification_id=message.id)
            return
        try:
            self.fallback.send(message)
        except SendError as exc:
            raise SendError(str(exc), retry_after=exc.retry_after, results=results) from exc

    def close(self) -> None:
        for client in self.clients.values():
            client.close()
