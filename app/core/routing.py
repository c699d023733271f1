"""Routes whose database work, commit included, runs in one worker thread."""

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.core.db import abandon_request_session, end_request_session, finish_request_session
from app.core.surrogates import lone_surrogate_at

_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SURROGATE_MSG = "text must not contain lone UTF-16 surrogates"


def _in_one_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = endpoint(*args, **kwargs)
        except BaseException:
            abandon_request_session()
            raise
        # Committed here, before the response: a second thread hop per request
        # just to commit costs about as much as a whole /healthz.
        finish_request_session()
        return result

    return run


class UnitOfWorkRoute(APIRoute):
    """A sync route commits its request's session in the thread it ran in.

    Whatever is still open once the route has answered (an async route's work)
    is committed before the response leaves; after a failure it is rolled back.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
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
            except BaseException:
                await end_request_session(request, failed=True)
                raise
            await end_request_session(request, failed=False)
            return response

        return handle_in_unit_of_work


def api_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=UnitOfWorkRoute, **kwargs)
