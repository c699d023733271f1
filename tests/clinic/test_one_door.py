"""Every write the clinic makes goes through a use case the API calls too, so audit,
notifications and rules cannot drift between the two doors. Sign-in steps and
invitation acceptance are the clinic's own by design."""

import ast
import inspect
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import routing
from starlette.routing import Mount

from app.api.routes import ROUTERS
from app.clinic import router_auth, router_invitation
from app.main import create_app

CLINIC_ONLY = {router_auth.__name__, router_invitation.__name__}


def _use_cases_called(fn: Callable[..., Any]) -> set[Callable[..., Any]]:
    """The app.usecases functions a handler calls, resolved through its module."""
    names = vars(sys.modules[fn.__module__])
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target: Any = None
        if isinstance(node.func, ast.Name):
            target = names.get(node.func.id)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            target = getattr(names.get(node.func.value.id), node.func.attr, None)
        if callable(target) and getattr(target, "__module__", "").startswith("app.usecases."):
            found.add(target)
    return found


def _clinic_writes() -> Iterator[Any]:
    app = create_app()
    clinic = next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "/clinic")
    for route in routing.iter_route_contexts(clinic.routes):
        methods = getattr(route, "methods", None) or set()
        if route.endpoint is not None and methods & {"POST", "PUT", "PATCH", "DELETE"}:
            yield route


def test_each_clinic_write_calls_a_use_case_the_api_calls() -> None:
    api_calls = {
        uc
        for r in routing.iter_route_contexts([r for router in ROUTERS for r in router.routes])
        if r.endpoint is not None
        for uc in _use_cases_called(r.endpoint)
    }
    checked, drifted = [], []
    for route in _clinic_writes():
        if route.endpoint.__module__ in CLINIC_ONLY:
            continue
        checked.append(route.path)
        if not _use_cases_called(route.endpoint) & api_calls:
            drifted.append(route.path)
    assert drifted == []
    # The clinic's forms: reviews, flags, integration sessions, prompts, questionnaires,
    # accounts, invitations, deactivation and care teams.
    assert len(checked) >= 12


def test_the_check_sees_a_handler_that_skips_the_use_case() -> None:
    def bypass(db: Any) -> None:
        db.add(object())

    assert _use_cases_called(bypass) == set()
