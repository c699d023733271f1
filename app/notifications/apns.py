"""Apple Push Notification service: HTTP/2, token-based authentication.

The provider token is an ES256 JWT signed with the team's .p8 key. Apple
rejects tokens older than an hour and throttles ones renewed more often than
every 20 minutes, so one token is reused and renewed after 50 minutes, or once
at once when Apple answers that it expired.
"""

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import quote

import httpx
import jwt
import orjson

from app.notifications.payloads import apns_request
from app.notifications.push_config import ApnsConfig
from app.notifications.push_http import AuthFailed, PushMetrics, retry_after_seconds
from app.notifications.senders import DeviceResult, Message

RENEW_AFTER = timedelta(minutes=50)
AUTH_REASONS = frozenset({"ExpiredProviderToken", "InvalidProviderToken", "MissingProviderToken"})
DROP_REASONS = {410: frozenset({"Unregistered"}), 400: frozenset({"BadDeviceToken"})}


class ProviderToken:
    """The cached ES256 token; thread-safe, renewed by age or on demand."""

    def __init__(self, config: ApnsConfig, clock: Callable[[], datetime]) -> None:
        self.config, self.clock = config, clock
        self.lock = threading.Lock()
        self.value: str | None = None
        self.issued_at: datetime | None = None

    def get(self, *, renew: bool = False) -> str:
        with self.lock:
            now = self.clock()
            stale = self.issued_at is None or now - self.issued_at >= RENEW_AFTER
            if renew or stale or self.value is None:
                self.value = jwt.encode(
                    {"iss": self.config.team_id, "iat": int(now.timestamp())},
                    self.config.key,
                    algorithm="ES256",
                    headers={"kid": self.config.key_id},
                )
                self.issued_at = now
            return self.value


class ApnsClient:
    platform = "ios"

    def __init__(
        self,
        config: ApnsConfig,
        *,
        metrics: PushMetrics,
        clock: Callable[[], datetime],
        timeout: float,
    ) -> None:
        self.config, self.metrics = config, metrics
        self.token = ProviderToken(config, clock)
        # HTTP/2 only: ALPN h2 over TLS, or prior knowledge on a plain test URL.
        self.http = httpx.Client(base_url=config.endpoint, http1=False, http2=True, timeout=timeout)

    def _post(
        self, device_token: str, body: bytes, headers: dict[str, str], *, renew: bool
    ) -> httpx.Response:
        auth = {"authorization": f"bearer {self.token.get(renew=renew)}"}
        # Quoted: a token stored before shapes were checked cannot change the path.
        path = f"/3/device/{quote(device_token, safe='')}"
        return self.http.post(path, content=body, headers=headers | auth)

    def push(self, device: dict[str, str], message: Message) -> DeviceResult:
        payload, headers = apns_request(message, self.config.topic)
        body = orjson.dumps(payload)
        try:
            response = self._post(device["token"], body, headers, renew=False)
            if _auth_refused(response):
                response = self._post(device["token"], body, headers, renew=True)
                if _auth_refused(response):
                    failed = AuthFailed(self.platform, _reason(response))
                    self.metrics.auth_failed(failed)
                    return DeviceResult(
                        device["id"], self.platform, ok=False, status=403, reason=failed.reason
                    )
        except httpx.HTTPError as exc:
            return DeviceResult(device["id"], self.platform, ok=False, reason=type(exc).__name__)
        return _result(device, response)

    def close(self) -> None:
        self.http.close()


def _reason(response: httpx.Response) -> str | None:
    if response.status_code == 200:
        return None
    try:
        reason = orjson.loads(response.content).get("reason")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return reason if isinstance(reason, str) else None


def _auth_refused(response: httpx.Response) -> bool:
    return response.status_code == 403 and _reason(response) in AUTH_REASONS


def _result(device: dict[str, str], response: httpx.Response) -> DeviceResult:
    status, reason = response.status_code, _reason(response)
    return DeviceResult(
        device["id"],
        "ios",
        ok=status == 200,
        status=status,
        reason=reason,
        drop=reason in DROP_REASONS.get(status, ()),
        retry_after=retry_after_seconds(response) if status == 429 or status >= 500 else None,
    )
