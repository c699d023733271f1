"""create_app(): routers under /v1, error handlers, middleware and lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.engine import Engine

from app.api.docs import install_docs
from app.api.routes import ROUTERS
from app.clinic.app import create_clinic
from app.core.config import Settings, get_settings
from app.core.context import AppContext
from app.core.db import WriteGate, make_engine, open_session, read_only_engine
from app.core.handlers import install_handlers
from app.core.middleware import RequestContextMiddleware
from app.core.migrate import head_revisions
from app.core.openapi import API_VERSION, build_openapi, operation_id
from app.core.responses import ORJSONResponse
from app.worker import InProcessWorker


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or make_engine(settings.database_url, pool_size=settings.db_pool_size)
    ctx = AppContext.build(settings, engine)
    worker = (
        InProcessWorker(engine, settings, ctx.metrics.registry)
        if settings.inprocess_worker and settings.env != "test"
        else None
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        if worker is not None:
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.close()

    # In production the API's schema and docs are not published unless asked for.
    docs = settings.env != "production" or settings.public_docs
    app = FastAPI(
        docs_url=None,  # served from shipped files below (install_docs)
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
        lifespan=lifespan,
        title="kap-journal",
        version=API_VERSION,
        summary="Journaling in the window clinics plan after ketamine sessions",
        default_response_class=ORJSONResponse,
        generate_unique_id_function=operation_id,
    )
    app.state.ctx = ctx
    app.state.engine = engine
    app.state.read_engine = read_only_engine(engine)
    app.state.open_session = open_session
    app.state.worker = worker
    app.state.write_gate = WriteGate(engine)
    app.state.migration_heads = head_revisions(settings.database_url)
    install_handlers(app)
    if docs:
        install_docs(app, title="kap-journal")
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/clinic", create_clinic(app))  # HTML pages: outside ROUTERS and the OpenAPI
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
            expose_headers=["ETag", "X-Request-ID", "Retry-After"],
        )
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        metrics=ctx.metrics,
        hsts=settings.env == "production",
    )
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app
