"""Routes whose database work, commit included, runs in one worker thread."""

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.core import idempotency
from app.core.db import abandon_request_session, end_request_session, finish_request_session
from app.core.errors import problem_responses
from app.core.openapi import header_refs
from app.core.surrogates import lone_surrogate_at

_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SURROGATE_MSG = "text must not contain lone UTF-16 surrogates"


def _in_one_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if getattr(endpoint, "_in_one_thread", False):
        return endpoint  # the same route again, included by a parent router

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            replay = idempotency.claim_or_replay()
            result = endpoint(*args, **kwargs) if replay is None else replay
        except BaseException:
            abandon_request_session()
            raise
        if idempotency.claimed():
            return result  # committed with its answer, once that is stored
        # Committed here, before the response: a second thread hop per request
        # just to commit costs about as much as a whole /healthz.
        finish_request_session()
        return result

    run._in_one_thread = True  # type: ignore[attr-defined]
    return run


def creates(methods: Any, status_code: int | None) -> bool:
    """A POST answering 201 Created: it takes an Idempotency-Key."""
    return "POST" in {m.upper() for m in methods or ()} and status_code == 201


def _with_idempotency_key(kwargs: dict[str, Any]) -> None:
    """Declare and handle Idempotency-Key (core.idempotency) on a creating route."""
    deps = list(kwargs.get("dependencies") or [])
    if any(d.dependency is idempotency.idempotency_key for d in deps):
        return  # the same route again, included by a parent router
    kwargs["dependencies"] = [Depends(idempotency.idempotency_key), *deps]
    responses = dict(kwargs.get("responses") or {})
    created = dict(responses.get(201, {}))
    created["headers"] = created.get("headers", {}) | header_refs(idempotency.REPLAYED)
    responses[201] = created
    responses.setdefault(409, problem_responses(409)[409])
    kwargs["responses"] = responses


class UnitOfWorkRoute(APIRoute):
    """A sync route commits its request's session in the thread it ran in.

    Whatever is still open once the route has answered (an async route's work)
    is committed before the response leaves; after a failure it is rolled back.
    A creating POST answers retries by its Idempotency-Key, unless its handler
    takes `idempotency_key` itself (entries and questionnaire responses).
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        own_key = "idempotency_key" in inspect.signature(endpoint).parameters
        if creates(kwargs.get("methods"), kwargs.get("status_code")) and not own_key:
            if inspect.iscoroutinefunction(endpoint):
                raise TypeError(f"{path}: a creating route runs in one thread (sync def)")
            _with_idempotency_key(kwargs)
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _in_one_thread(endpoint)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Any]:
        handle = super().get_route_handler()

        async def handle_in_unit_of_work(request: Request) -> Response:
            try:
                if request.method in _WITH_BODY:
                    # The body is read once and cached; the handler reuses it.
                    where = lone_surrogate_at(await request.body())
                    if where is not None:
                        raise RequestValidationError(
                            [{"loc": where, "msg": _SURROGATE_MSG, "type": "string_unicode"}]
                        )
                response: Response = await handle(request)
                await idempotency.keep_answer(request, response)
            except BaseException:
                await end_request_session(request, failed=True)
                raise
            await end_request_session(request, failed=False)
            return response

        return handle_in_unit_of_work


def api_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=UnitOfWorkRoute, **kwargs)
