"""Pure-ASGI middleware: request id, body limit, no-store, access log and metrics."""

import re
import time
import uuid
from typing import Any

import orjson
import structlog
from fastapi import HTTPException
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.responses import PROBLEM_TYPE_BASE

access_log = structlog.get_logger("kap_journal.access")

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class HttpMiddleware:
    """A pure ASGI middleware that acts on HTTP requests only (`http`); others pass."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class _BodyTooLarge(HTTPException):
    """Raised from receive(); an HTTPException so body parsing passes it through."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="The request body exceeds the size limit.")


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class Metrics:
    """Request count and latency by route template, in a registry per app."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kapj_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "kapj_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )


def _problem_413(path: str) -> bytes:
    return orjson.dumps(
        {
            "type": PROBLEM_TYPE_BASE + "payload_too_large",
            "title": "Request body too large",
            "status": 413,
            "detail": "The request body exceeds the size limit.",
            "instance": path,
            "code": "payload_too_large",
        }
    )


class RequestContextMiddleware:
    """Outermost layer: everything below it sees a request id and a bounded body."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, metrics: Metrics, hsts: bool = False
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics
        # Metric children resolved once per (method, route, status), not per request.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self.security_headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]
        if hsts:  # production only: a development server on http must stay reachable
            self.security_headers.append(
                (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        # Our own id goes into logs and the audit trail; a client's id is kept
        # beside it, untrusted (a client could reuse or forge one).
        request_id = uuid.uuid4().hex
        client_id = incoming if _REQUEST_ID_OK.match(incoming) else None
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["client_request_id"] = client_id
        structlog.contextvars.bind_contextvars(request_id=request_id, client_request_id=client_id)
        path: str = scope["path"]
        no_store = path.startswith("/v1/")
        started = time.perf_counter()
        status_holder = {"status": 500, "started": False}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                status_holder["started"] = True
                hdrs = list(message.get("headers", []))
                hdrs.append((b"x-request-id", request_id.encode()))
                if no_store:
                    hdrs.append((b"cache-control", b"no-store"))
                hdrs.extend(self.security_headers)
                quota = state.get("ratelimit")
                if quota is not None:  # a signed-in caller's (accounts.deps)
                    hdrs.extend(quota.fields())
                message["headers"] = hdrs
            await send(message)

        declared = headers.get(b"content-length")
        try:
            if declared is not None and (
                not declared.isdigit() or int(declared) > self.max_body_bytes
            ):
                raise _BodyTooLarge
            await self.app(scope, self._bounded(receive), send_wrapper)
        except _BodyTooLarge:
            if status_holder["started"]:
                raise
            await self._send_413(path, send_wrapper)
        finally:
            self._record(scope, status_holder["status"], time.perf_counter() - started)
            structlog.contextvars.unbind_contextvars("request_id", "client_request_id")

    def _bounded(self, receive: Receive) -> Receive:
        seen = 0
        limit = self.max_body_bytes

        async def wrapped() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge
            return message

        return wrapped

    async def _send_413(self, path: str, send: Send) -> None:
        body = _problem_413(path)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    *self.security_headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        route: Any = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        # A client chooses the method: an unknown one must not make a new series.
        method = scope.get("method", "")
        if method not in _METHODS:
            method = "OTHER"
        key = (method, template, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.metrics.requests.labels(method, template, str(status)),
                self.metrics.latency.labels(method, template),
            )
        children[0].inc()
        children[1].observe(elapsed)
        # Path template only: no query string, body or header ever reaches the log.
        access_log.info(
            "request",
            method=method,
            route=template,
            status=status,
            ms=round(elapsed * 1000, 1),
        )
