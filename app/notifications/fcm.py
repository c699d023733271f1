"""Firebase Cloud Messaging, HTTP v1, with a service account's OAuth2 token.

The access token comes from the service account's `token_uri` by the OAuth2
JWT-bearer grant (RFC 7523): an RS256 assertion signed with the account's key,
the same exchange google-auth performs. It is cached and renewed five minutes
before it expires, or once at once when FCM answers 401.
"""

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
import orjson

from app.notifications.payloads import fcm_message
from app.notifications.push_config import FCM_SCOPE, FcmConfig
from app.notifications.push_http import AuthFailed, PushMetrics, retry_after_seconds
from app.notifications.senders import DeviceResult, Message

RENEW_BEFORE = timedelta(minutes=5)
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


class TokenError(Exception):
    """The token endpoint did not give us an access token."""


class AccessToken:
    """The cached OAuth2 access token; thread-safe."""

    def __init__(
        self, config: FcmConfig, http: httpx.Client, clock: Callable[[], datetime]
    ) -> None:
        self.config, self.http, self.clock = config, http, clock
        self.lock = threading.Lock()
        self.value: str | None = None
        self.expires_at: datetime | None = None

    def get(self, *, renew: bool = False) -> str:
        with self.lock:
            now = self.clock()
            fresh = self.expires_at is not None and now < self.expires_at - RENEW_BEFORE
            if renew or not fresh or self.value is None:
                self.value, lifetime = self._fetch(now)
                self.expires_at = now + timedelta(seconds=lifetime)
            return self.value

    def _fetch(self, now: datetime) -> tuple[str, float]:
        iat = int(now.timestamp())
        assertion = jwt.encode(
            {
                "iss": self.config.client_email,
                "scope": FCM_SCOPE,
                "aud": self.config.token_uri,
                "iat": iat,
                "exp": iat + 3600,
            },
            self.config.key,
            algorithm="RS256",
            headers={"kid": self.config.key_id} if self.config.key_id else None,
        )
        response = self.http.post(
            self.config.token_uri, data={"grant_type": GRANT, "assertion": assertion}
        )
        try:
            answer = orjson.loads(response.content)
            token, lifetime = answer["access_token"], float(answer.get("expires_in", 3600))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise TokenError(f"token endpoint answered {response.status_code}") from exc
        if response.status_code != 200 or not isinstance(token, str):
            raise TokenError(f"token endpoint answered {response.status_code}")
        return token, lifetime


class FcmClient:
    platform = "android"

    def __init__(
        self,
        config: FcmConfig,
        *,
        metrics: PushMetrics,
        clock: Callable[[], datetime],
        timeout: float,
    ) -> None:
        self.config, self.metrics = config, metrics
        self.http = httpx.Client(http2=True, timeout=timeout)
        self.token = AccessToken(config, self.http, clock)
        self.url = f"{config.endpoint}/v1/projects/{config.project_id}/messages:send"

    def _post(self, body: bytes, *, renew: bool) -> httpx.Response:
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token.get(renew=renew)}",
        }
        return self.http.post(self.url, content=body, headers=headers)

    def push(self, device: dict[str, str], message: Message) -> DeviceResult:
        body = orjson.dumps({"message": fcm_message(message, device["token"])})
        try:
            response = self._post(body, renew=False)
            if response.status_code == 401:
                response = self._post(body, renew=True)  # renew the access token once
                if response.status_code == 401:
                    failed = AuthFailed(self.platform, _error(response)[0] or "UNAUTHENTICATED")
                    self.metrics.auth_failed(failed)
                    return DeviceResult(
                        device["id"], self.platform, ok=False, status=401, reason=failed.reason
                    )
        except TokenError as exc:
            self.metrics.auth_failed(AuthFailed(self.platform, str(exc)))
            return DeviceResult(device["id"], self.platform, ok=False, reason="token_endpoint")
        except httpx.HTTPError as exc:
            return DeviceResult(device["id"], self.platform, ok=False, reason=type(exc).__name__)
        return _result(device, response)

    def close(self) -> None:
        self.http.close()


def _error(response: httpx.Response) -> tuple[str | None, bool]:
    """FCM's error code, and whether the error is about the token field."""
    try:
        error: dict[str, Any] = orjson.loads(response.content)["error"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None, False
    code, about_token = error.get("status"), False
    for detail in error.get("details") or []:
        if not isinstance(detail, dict):
            continue
        code = detail.get("errorCode", code)
        violations = detail.get("fieldViolations") or []
        about_token |= any(
            isinstance(v, dict) and v.get("field") == "message.token" for v in violations
        )
    message = str(error.get("message", ""))
    about_token |= "registration token" in message.lower()
    return (code if isinstance(code, str) else None), about_token


def _result(device: dict[str, str], response: httpx.Response) -> DeviceResult:
    status = response.status_code
    if status == 200:
        return DeviceResult(device["id"], "android", ok=True, status=200)
    code, about_token = _error(response)
    drop = code == "UNREGISTERED" or (code == "INVALID_ARGUMENT" and about_token)
    return DeviceResult(
        device["id"],
        "android",
        ok=False,
        status=status,
        reason=code,
        drop=drop,
        retry_after=retry_after_seconds(response) if status == 429 or status >= 500 else None,
    )
