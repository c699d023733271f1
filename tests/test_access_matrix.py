"""Every route x every caller x every kind of object, from the app's own route table.

Each cell runs in a savepoint that is rolled back, so a DELETE in one cell does
not change what the next cell sees. What may not be seen must answer exactly
like a random id (apart from `instance` and the request id), so ids leak nothing.
"""

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlmodel import Session

from app.accounts.deps import _CALLER
from app.main import ROUTERS
from tests.access.table import MATRIX, Row
from tests.access.world import CALLERS, World, build_world, random_params
from tests.conftest import Clock


def _routes(routes: list[Any]) -> set[tuple[str, str]]:
    """(method, path template) of every APIRoute, through included routers too."""
    out = set()
    for ctx in iter_route_contexts(routes):
        if isinstance(ctx.original_route, APIRoute):
            out |= {(m, str(ctx.path_format)) for m in ctx.methods or ()}
    return out


ROUTES = sorted(_routes([r for router in ROUTERS for r in router.routes]))


def test_the_matrix_has_a_row_for_every_route_and_no_other(app: FastAPI) -> None:
    served = _routes(app.routes)
    assert served == set(ROUTES), "a route was added to the app outside ROUTERS"
    assert sorted(served - MATRIX.keys()) == [], "routes without a row in tests/access/table.py"
    assert sorted(MATRIX.keys() - served) == [], "rows for routes that no longer exist"


def _kinds(path: str) -> list[str]:
    params = re.findall(r"{(\w+)}", path)
    if not params:
        return ["none"]
    if "entry_id" in params:
        return ["own", "private", "other", "other_private"]
    if "patient_id" in params and len(params) > 1:
        return ["own", "other", "mixed"]
    return ["own", "other"]


def _expected(row: Row, kind: str) -> tuple[int, ...] | None:
    """The statuses for a kind of object; None means "the same as a random id"."""
    if kind in ("none", "own"):
        return row.own
    if kind == "private":
        return row.private or row.own
    return row.other


def _call(
    client: TestClient,
    method: str,
    path: str,
    row: Row,
    world: World,
    caller: str,
    ids: dict[str, str],
) -> httpx.Response:
    kwargs: dict[str, Any] = {"headers": world.headers[caller] | row.headers}
    if row.query:
        kwargs["params"] = {k: v.format(**ids) for k, v in row.query.items()}
    if row.body is not None:
        kwargs["json"] = row.body(ids, world)
    if row.form is not None:
        kwargs["data"] = row.form(ids, world)
    return client.request(method, path.format(**ids), **kwargs)


_INSTANCE = re.compile(rb'"instance":"[^"]*"')
# RateLimit counts the caller's requests down, whatever they ask for.
_VARYING = {"x-request-id", "content-length", "ratelimit"}


def _fingerprint(r: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((k, v) for k, v in r.headers.items() if k not in _VARYING)
    return r.status_code, headers, _INSTANCE.sub(b'"instance":""', r.content)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_access(
    method: str,
    path: str,
    client: TestClient,
    db: Session,
    app: FastAPI,
    clock: Clock,
    connection: Connection,
) -> None:
    row = MATRIX.get((method, path))
    assert row is not None, f"add a row for {method} {path} to tests/access/table.py"
    world = build_world(client, db, app.state.ctx.tokens, clock)
    failures: list[str] = []

    sign_in_checks = [0]

    def count_sign_in_checks(_conn: Connection, clause: Any, *_args: Any) -> None:
        if clause is _CALLER:
            sign_in_checks[0] += 1

    def cell(caller: str, ids: dict[str, str]) -> httpx.Response:
        nested = connection.begin_nested()  # each cell sees the same world
        sign_in_checks[0] = 0
        event.listen(connection, "before_execute", count_sign_in_checks)
        try:
            got = _call(client, method, path, row, world, caller, ids)
        finally:
            event.remove(connection, "before_execute", count_sign_in_checks)
            nested.rollback()
        if sign_in_checks[0] > 1:  # role checks and access helpers share one check
            failures.append(f"{caller}: the sign-in was checked {sign_in_checks[0]} times")
        return got

    for kind in _kinds(path + "".join(row.query.values())):
        ids = world.params("own" if kind == "none" else kind)
        keep = ("patient_id",) if kind == "mixed" else ()
        expected = _expected(row, kind)
        for i, caller in enumerate(CALLERS):
            got = cell(caller, ids)
            if expected is not None and got.status_code != expected[i]:
                failures.append(f"{caller} on {kind}: {got.status_code}, want {expected[i]}")
            hidden = expected is None or expected[i] == 404
            if kind == "none" or not hidden:
                continue
            if got.is_success:
                failures.append(f"{caller} on {kind}: {got.status_code}, want it hidden")
            twin = cell(caller, random_params(ids, keep))
            if _fingerprint(got) != _fingerprint(twin):
                failures.append(
                    f"{caller} on {kind}: {got.status_code} {got.content!r} differs from a "
                    f"random id's {twin.status_code} {twin.content!r}"
                )
    assert failures == [], f"{method} {path}:\n" + "\n".join(failures)
