"""Every sync route commits in the thread it ran in (app.core.routing)."""

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from app.core.routing import UnitOfWorkRoute


def test_every_route_is_a_unit_of_work_route(app: FastAPI) -> None:
    routes = [c.original_route for c in iter_route_contexts(app.routes)]
    api = [r for r in routes if isinstance(r, APIRoute)]
    assert len(api) > 10
    assert [r.path for r in api if not isinstance(r, UnitOfWorkRoute)] == []
