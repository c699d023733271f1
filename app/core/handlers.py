"""Exception handlers that turn every failure into problem+json."""

import functools
import re
from typing import Any

import structlog
from fastapi import FastAPI, Request, routing
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import compile_path

from app.core.errors import AppError, FieldError, status_code_and_title
from app.core.responses import MAX_ERRORS, MAX_LOC_CHARS, problem_response

log = structlog.get_logger("kap_journal.errors")

# Pydantic error types that mean the body could not be parsed at all.
_MALFORMED_TYPES = {"json_invalid", "json_type"}


security_log = structlog.get_logger("kap_journal.security")


async def _app_error(request: Request, exc: AppError) -> Response:
    if exc.status == 403:
        # Refusals go to the security log: who, from where, which route; never the body.
        route = getattr(request.scope.get("route"), "path", "unmatched")
        user_id = getattr(request.state, "user_id", None)
        client = request.client.host if request.client else None
        security_log.warning(
            "forbidden",
            code=exc.code,
            route=route,
            user_id=str(user_id) if user_id else None,
            address=client,
        )
    return error_response(request, exc)


def error_response(request: Request, exc: AppError) -> Response:
    """The problem answer of an error; a route returns it instead of raising when what
    the request wrote must commit (a revoked sign-in, the admins told of a ceiling)."""
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        headers=exc.headers,
        extra=exc.extra,
    )


@functools.cache
def _path_regex(path: str) -> re.Pattern[str]:
    return compile_path(path)[0]


def _allowed_methods(request: Request) -> str:
    """Every method of every route on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in routing.iter_route_contexts(request.app.routes):
        if route.path and route.methods and _path_regex(route.path).match(request.url.path):
            methods |= route.methods
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    code, title = status_code_and_title(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) else title
    headers = dict(exc.headers or {})
    if exc.status_code == 400:
        code, detail = "malformed_body", "The request body could not be parsed."
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    return problem_response(
        request,
        status=exc.status_code,
        code=code,
        title=title,
        detail=detail,
        headers=headers,
    )


# Pydantic adds the branch of a union it tried to `loc` (`int`, `constrained-str`,
# `function-after[...]`, `[key]`); a client knows fields, so those are left out.
_UNION_TAGS = frozenset(
    {
        "int",
        "str",
        "float",
        "bool",
        "bytes",
        "none",
        "list",
        "dict",
        "set",
        "frozenset",
        "tuple",
        "uuid",
        "datetime",
        "date",
        "time",
        "timedelta",
        "decimal",
        "enum",
        "literal",
        "union",
        "tagged-union",
        "nullable",
        "chain",
        "default",
        "model",
        "dataclass",
        "is-instance",
        "is-subclass",
        "lax-or-strict",
        "json-or-python",
        "constrained-str",
        "constrained-int",
        "constrained-float",
        "constrained-bytes",
        "function-after",
        "function-before",
        "function-wrap",
        "function-plain",
        "[key]",
    }
)
_TAG_WITH_ARGS = re.compile(r"^[a-z][a-z-]*\[.*\]$", re.DOTALL)


def _model_names() -> set[str]:
    names: set[str] = set()
    todo: list[type[BaseModel]] = [BaseModel]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _is_tag(text: str) -> bool:
    if text in _UNION_TAGS or _TAG_WITH_ARGS.match(text) or "<function" in text:
        return True
    # A model tried as one branch of a union is named by its class.
    return text[:1].isupper() and text.isidentifier() and text in _model_names()


def _field_loc(raw: tuple[object, ...] | list[object]) -> list[str]:
    loc: list[str] = []
    for i, part in enumerate(raw):
        text = str(part)
        # The first part (body, query, header, path) and list indexes are kept as sent.
        if i > 0 and not isinstance(part, int) and _is_tag(text):
            continue
        loc.append(text)
    return loc


def _field_error(err: Any) -> FieldError:
    loc = [part[:MAX_LOC_CHARS] for part in _field_loc(err.get("loc", ()))]
    return FieldError(loc=loc, msg=str(err.get("msg", "")), type=str(err.get("type", "")))


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    raw = exc.errors()
    if any(err.get("type") in _MALFORMED_TYPES for err in raw):
        return problem_response(
            request,
            status=400,
            code="malformed_json",
            title="Malformed JSON",
            detail="The request body is not valid JSON.",
        )
    # Only the first few are shaped (problem_response keeps MAX_ERRORS and the count);
    # the inputs Pydantic keeps with each error are never sent back.
    shown = [_field_error(err) for err in raw[:MAX_ERRORS]]
    return problem_response(
        request,
        status=422,
        code="validation_failed",
        title="The request is not valid",
        detail="; ".join(f"{'.'.join(e.loc)}: {e.msg}" for e in shown)[:1000],
        extra={"errors": [e.model_dump() for e in shown], "error_count": len(raw)},
    )


async def _out_of_range(request: Request, exc: Exception) -> Response:
    # A safety net behind validation: a value the database, the clock or UTF-8
    # cannot hold is the request's fault, never a 500.
    log.warning("value_out_of_range", error_class=type(exc).__name__)
    return problem_response(
        request,
        status=422,
        code="value_out_of_range",
        title="A value is out of range",
        detail="A value in the request is too large, too far off or not valid text.",
    )


async def _database_error(request: Request, exc: DBAPIError) -> Response:
    if isinstance(exc, DataError):
        return await _out_of_range(request, exc)
    if isinstance(exc, OperationalError) or exc.connection_invalidated:
        log.warning("database_unavailable", error_class=type(exc.orig).__name__)
        return problem_response(
            request,
            status=503,
            code="database_unavailable",
            title="Service temporarily unavailable",
            detail="The database is unavailable; retry shortly.",
            headers={"Retry-After": "2"},
        )
    return await _unexpected(request, exc)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # The cause goes to the log with the request id; the body says nothing more.
    log.error("unhandled_error", exc_info=exc)
    # This handler runs outside the request-context middleware, so it adds its headers.
    headers = {"X-Request-ID": str(request.scope.get("state", {}).get("request_id", ""))}
    if request.url.path.startswith("/v1/"):
        headers["Cache-Control"] = "no-store"
    return problem_response(
        request,
        status=500,
        code="internal_error",
        title="Internal server error",
        detail="Something went wrong on our side.",
        headers=headers,
    )


def install_handlers(app: FastAPI) -> None:
    handlers: dict[Any, Any] = {
        AppError: _app_error,
        StarletteHTTPException: _http_error,
        RequestValidationError: _validation_error,
        DBAPIError: _database_error,
        OverflowError: _out_of_range,
        UnicodeEncodeError: _out_of_range,
        Exception: _unexpected,
    }
    for exc_class, handler in handlers.items():
        app.add_exception_handler(exc_class, handler)
