"""Fake APNs (HTTP/2) and FCM (HTTP v1 and its OAuth2 token endpoint) on 127.0.0.1.

Both check what the real services check: the APNs fake verifies the ES256
provider token with the key's public half and its age on the test clock; the
FCM fake verifies the service account's RS256 assertion, issues bearer tokens
that expire on the test clock, and checks each message against the v1 schema.
Answers for a token can be scripted (410 Unregistered, 429 with Retry-After ...).
"""

import asyncio
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePublicKey
from hypercorn.asyncio import serve
from hypercorn.config import Config
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Answer = tuple[int, dict[str, Any], dict[str, str]]


class Served:
    """An ASGI app served by hypercorn in a thread, on a port of its own."""

    def __init__(self, app: Starlette) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = Config()
        config.bind = [f"fd://{self.sock.fileno()}"]
        config.accesslog = None
        config.errorlog = None
        self.loop = asyncio.new_event_loop()
        self.stopped = asyncio.Event()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.call_soon(ready.set)
            self.loop.run_until_complete(serve(app, config, shutdown_trigger=self.stopped.wait))

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stopped.set)
        self.thread.join(10)
        self.loop.close()
        self.sock.detach()  # hypercorn closed the descriptor itself


@dataclass
class Received:
    token: str
    headers: dict[str, str]
    body: dict[str, Any]
    http_version: str


@dataclass
class FakeApns:
    public_key: EllipticCurvePublicKey
    key_id: str
    team_id: str
    topic: str
    clock: Callable[[], datetime]
    received: list[Received] = field(default_factory=list)
    scripted: dict[str, list[Answer]] = field(default_factory=dict)
    unregistered: set[str] = field(default_factory=set)
    # Provider tokens issued before this are refused as expired (Apple's clock says so).
    expired_before: datetime | None = None
    refuse_all_tokens: bool = False
    provider_tokens: list[str] = field(default_factory=list)

    def _auth_problem(self, header: str | None) -> str | None:
        if not header or not header.startswith("bearer "):
            return "MissingProviderToken"
        token = header.removeprefix("bearer ")
        self.provider_tokens.append(token)
        try:
            if jwt.get_unverified_header(token).get("kid") != self.key_id:
                return "InvalidProviderToken"
            claims = jwt.decode(
                token, self.public_key, algorithms=["ES256"], options={"verify_iat": False}
            )
        except jwt.PyJWTError:
            return "InvalidProviderToken"
        if self.refuse_all_tokens or claims.get("iss") != self.team_id:
            return "InvalidProviderToken"
        issued = datetime.fromtimestamp(claims["iat"], tz=self.clock().tzinfo)
        if self.clock() - issued > timedelta(hours=1) or (
            self.expired_before is not None and issued < self.expired_before
        ):
            return "ExpiredProviderToken"
        return None

    async def device(self, request: Request) -> Response:
        token = request.path_params["token"]
        raw = await request.body()  # read first: hypercorn's h2 stream must see the whole request
        problem = self._auth_problem(request.headers.get("authorization"))
        if problem is not None:
            return JSONResponse({"reason": problem}, status_code=403)
        if request.headers.get("apns-topic") != self.topic:
            return JSONResponse({"reason": "BadTopic"}, status_code=400)
        if request.headers.get("apns-push-type") != "alert":
            return JSONResponse({"reason": "InvalidPushType"}, status_code=400)
        body = await request.json()
        if len(raw) > 4096 or "aps" not in body:
            return JSONResponse({"reason": "PayloadTooLarge"}, status_code=413)
        self.received.append(
            Received(token, dict(request.headers), body, request.scope["http_version"])
        )
        if self.scripted.get(token):
            status, answer, headers = self.scripted[token].pop(0)
            return JSONResponse(answer, status_code=status, headers=headers)
        if token in self.unregistered:
            return JSONResponse({"reason": "Unregistered", "timestamp": 0}, status_code=410)
        if len(token) % 2 or any(c not in "0123456789abcdefABCDEF" for c in token):
            return JSONResponse({"reason": "BadDeviceToken"}, status_code=400)
        return Response(status_code=200, headers={"apns-id": request.headers.get("apns-id", "")})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/3/device/{token}", self.device, methods=["POST"])])
