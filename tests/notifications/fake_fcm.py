"""A fake FCM: the OAuth2 token endpoint and HTTP v1 messages:send, on the test clock.

The message is checked against FCM's documented v1 schema (the Message,
Notification, AndroidConfig and AndroidNotification resources): unknown fields,
a missing target, non-string data values or unknown enum values are refused
with 400 INVALID_ARGUMENT, as FCM does.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.notifications.push_fakes import Answer, Received

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
MESSAGE_FIELDS = {
    "name", "data", "notification", "android", "webpush", "apns", "fcm_options",
    "token", "topic", "condition",
}  # fmt: skip
NOTIFICATION_FIELDS = {"title", "body", "image"}
ANDROID_FIELDS = {
    "collapse_key", "priority", "ttl", "restricted_package_name", "data", "notification",
    "fcm_options", "direct_boot_ok",
}  # fmt: skip
ANDROID_NOTIFICATION_FIELDS = {
    "title", "body", "icon", "color", "sound", "tag", "click_action", "body_loc_key",
    "body_loc_args", "title_loc_key", "title_loc_args", "channel_id", "ticker", "sticky",
    "event_time", "local_only", "notification_priority", "default_sound",
    "default_vibrate_timings", "default_light_settings", "vibrate_timings", "visibility",
    "notification_count", "light_settings", "image", "bypass_proxy_notification", "proxy",
}  # fmt: skip
PRIORITIES = {"NORMAL", "HIGH"}
NOTIFICATION_PRIORITIES = {
    "PRIORITY_UNSPECIFIED", "PRIORITY_MIN", "PRIORITY_LOW", "PRIORITY_DEFAULT",
    "PRIORITY_HIGH", "PRIORITY_MAX",
}  # fmt: skip
VISIBILITIES = {"VISIBILITY_UNSPECIFIED", "PRIVATE", "PUBLIC", "SECRET"}
RESERVED_DATA = ("from", "notification", "message_type")


def schema_problems(body: Any) -> list[str]:
    """Field paths that break FCM's v1 message schema."""
    if not isinstance(body, dict) or set(body) - {"message", "validate_only"}:
        return ["request"]
    message = body.get("message")
    if not isinstance(message, dict):
        return ["message"]
    bad = [f"message.{k}" for k in set(message) - MESSAGE_FIELDS]
    if sum(k in message for k in ("token", "topic", "condition")) != 1:
        bad.append("message.token")
    data = message.get("data", {})
    if (
        not isinstance(data, dict)
        or any(not isinstance(k, str) or not isinstance(v, str) for k, v in data.items())
        or any(k in RESERVED_DATA or k.startswith(("google", "gcm")) for k in data)
    ):
        bad.append("message.data")
    notification = message.get("notification", {})
    if not isinstance(notification, dict) or set(notification) - NOTIFICATION_FIELDS:
        bad.append("message.notification")
    android = message.get("android", {})
    if not isinstance(android, dict) or set(android) - ANDROID_FIELDS:
        return [*bad, "message.android"]
    if "priority" in android and android["priority"] not in PRIORITIES:
        bad.append("message.android.priority")
    an = android.get("notification", {})
    if not isinstance(an, dict) or set(an) - ANDROID_NOTIFICATION_FIELDS:
        return [*bad, "message.android.notification"]
    if "notification_priority" in an and an["notification_priority"] not in NOTIFICATION_PRIORITIES:
        bad.append("message.android.notification.notification_priority")
    if "visibility" in an and an["visibility"] not in VISIBILITIES:
        bad.append("message.android.notification.visibility")
    return bad


def fcm_error(status: int, code: str, *, field: str | None = None) -> JSONResponse:
    details: list[dict[str, Any]] = [
        {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}
    ]
    if field is not None:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": "Invalid value"}],
            }
        )
    status_word = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 404: "NOT_FOUND"}
    error = {
        "code": status,
        "message": "Request failed",
        "status": status_word.get(status, code),
        "details": details,
    }
    return JSONResponse({"error": error}, status_code=status)


@dataclass
class FakeFcm:
    public_key: RSAPublicKey
    client_email: str
    project_id: str
    clock: Callable[[], datetime]
    token_uri: str = ""  # set once the server's address is known
    received: list[Received] = field(default_factory=list)
    scripted: dict[str, list[Answer]] = field(default_factory=dict)
    unregistered: set[str] = field(default_factory=set)
    access_tokens: dict[str, datetime] = field(default_factory=dict)
    tokens_issued: int = 0
    refuse_all_tokens: bool = False

    async def token(self, request: Request) -> Response:
        form = parse_qs((await request.body()).decode())
        if form.get("grant_type") != [GRANT] or "assertion" not in form:
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        try:
            claims = jwt.decode(
                form["assertion"][0],
                self.public_key,
                algorithms=["RS256"],
                audience=self.token_uri,
                options={"verify_exp": False, "verify_iat": False},  # checked on the test clock
            )
        except jwt.PyJWTError:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = self.clock().timestamp()
        if not claims["iat"] - 60 <= now < claims["exp"] or claims["exp"] - claims["iat"] > 3600:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if claims.get("iss") != self.client_email or claims.get("scope") != SCOPE:
            return JSONResponse({"error": "invalid_scope"}, status_code=400)
        value = secrets.token_urlsafe(24)
        self.access_tokens[value] = self.clock() + timedelta(seconds=3600)
        self.tokens_issued += 1
        return JSONResponse({"access_token": value, "expires_in": 3600, "token_type": "Bearer"})

    def _authorised(self, header: str | None) -> bool:
        if self.refuse_all_tokens or not header or not header.startswith("Bearer "):
            return False
        expires = self.access_tokens.get(header.removeprefix("Bearer "))
        return expires is not None and self.clock() < expires

    async def send(self, request: Request) -> Response:
        body = await request.json()  # read first, whatever the answer
        if request.path_params["project"] != self.project_id:
            return fcm_error(403, "SENDER_ID_MISMATCH")
        if not self._authorised(request.headers.get("authorization")):
            return fcm_error(401, "THIRD_PARTY_AUTH_ERROR")
        problems = schema_problems(body)
        if problems:
            return fcm_error(400, "INVALID_ARGUMENT", field=problems[0])
        message = body["message"]
        token = message["token"]
        self.received.append(
            Received(token, dict(request.headers), message, request.scope["http_version"])
        )
        if self.scripted.get(token):
            status, answer, headers = self.scripted[token].pop(0)
            return JSONResponse(answer, status_code=status, headers=headers)
        if token in self.unregistered:
            return fcm_error(404, "UNREGISTERED")
        if len(token) < 100:
            return fcm_error(400, "INVALID_ARGUMENT", field="message.token")
        name = f"projects/{self.project_id}/messages/{secrets.token_hex(8)}"
        return JSONResponse({"name": name})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/token", self.token, methods=["POST"]),
                Route("/v1/projects/{project}/messages:send", self.send, methods=["POST"]),
            ]
        )
