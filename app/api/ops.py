"""Liveness, readiness and Prometheus metrics."""

import hmac
from typing import Annotated, Any

from fastapi import Header, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from app.core.context import Ctx
from app.core.db import DbDep, ReadOnly
from app.core.errors import ServiceUnavailable, Unauthorized, problem_responses
from app.core.migrate import current_revisions
from app.core.routing import api_router
from app.ops.schemas import Health
from app.safety.metrics import REGISTRY as SAFETY_REGISTRY

router = api_router(tags=["ops"])


_ALIVE = b'{"status":"ok"}'


@router.get("/healthz", response_model=Health)
async def healthz() -> Response:
    """The process is alive; touches nothing."""
    # Async and pre-serialised: no worker thread and no validation for a constant.
    return Response(_ALIVE, media_type="application/json")


@router.get("/readyz", dependencies=[ReadOnly], responses=problem_responses(503))
def readyz(request: Request, db: DbDep) -> Health:
    """The database is reachable and its schema is at the latest migration."""
    try:
        current = current_revisions(db.connection())
    except SQLAlchemyError as exc:
        raise ServiceUnavailable("The database is not reachable.") from exc
    if current != request.app.state.migration_heads:
        raise ServiceUnavailable("The database schema is not at the latest migration.")
    return Health(status="ready")


_TEXT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/plain": {"schema": {"type": "string"}}}}
}


@router.get("/metrics", response_class=Response, responses=_TEXT | problem_responses(401))
def metrics(
    ctx: Ctx, authorization: Annotated[str | None, Header(include_in_schema=False)] = None
) -> Response:
    """Prometheus metrics (a bearer token when KAPJ_METRICS_TOKEN is set, required in
    production): counts by method, route template and status, push outcomes by
    platform, safety flags by source, category and rule; never an id, an address or
    a person's words."""
    token = ctx.settings.metrics_token
    if token is None and ctx.settings.env == "production":
        raise Unauthorized("Metrics need KAPJ_METRICS_TOKEN in production.")
    if token is not None:
        expected = f"Bearer {token.get_secret_value()}".encode()
        # Bytes: a header is any latin-1 text, which str comparison refuses (a 500).
        sent = (authorization or "").encode("utf-8", "replace")
        if not hmac.compare_digest(sent, expected):
            raise Unauthorized()
    body = generate_latest(ctx.metrics.registry) + generate_latest(SAFETY_REGISTRY)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
