"""Reads run without a transaction on PostgreSQL; a write is one transaction."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import Clock
from tests.entries.conftest import iso
from tests.factories import auth_headers, make_patient


@contextmanager
def open_transactions(engine: Engine) -> Iterator[list[bool]]:
    """For each statement the app runs: was a database transaction open after it?"""
    seen: list[bool] = []

    def after(conn: Any, *_args: Any) -> None:
        status = conn.connection.dbapi_connection.info.transaction_status
        seen.append(status.name != "IDLE")

    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "after_cursor_execute", after)


def test_reads_skip_begin_and_commit_and_writes_stay_one_transaction(
    live_client: TestClient, live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite reads take a deferred snapshot instead (core.db._on_begin)")
    with Session(engine, expire_on_commit=False) as db, db.begin():
        patient = make_patient(db)
        headers = auth_headers(db, live_app.state.ctx.tokens, patient, now=clock.now)
    body = {"body": "one transaction", "written_at": iso(clock.now)}
    with open_transactions(engine) as write:
        assert live_client.post("/v1/entries", json=body, headers=headers).status_code == 201
    with open_transactions(engine) as read:
        page = live_client.get("/v1/entries?limit=50", headers=headers)
    assert page.status_code == 200 and len(page.json()["items"]) == 1
    assert len(write) >= 3 and all(write)  # the caller check, the claim, the insert
    assert len(read) >= 2 and not any(read)  # the caller check and the page


def test_a_write_in_a_read_only_route_raises(app: FastAPI, client: TestClient) -> None:
    from sqlalchemy import text

    from app.core.db import DbDep, ReadOnly, ReadOnlyViolation
    from app.core.routing import api_router

    router = api_router()

    @router.get("/test-only/read-only-write", dependencies=[ReadOnly])
    def read_only_write(db: DbDep) -> dict[str, int]:
        db.exec(text("UPDATE patient_sync_state SET last_seq = last_seq WHERE 1 = 0"))  # type: ignore[call-overload]
        return {"wrote": 1}

    @router.get("/test-only/read-only-read", dependencies=[ReadOnly])
    def read_only_read(db: DbDep) -> dict[str, int]:
        return {"read": len(db.exec(text("SELECT 1")).all())}  # type: ignore[call-overload]

    app.include_router(router)
    assert client.get("/test-only/read-only-read").json() == {"read": 1}
    with pytest.raises(ReadOnlyViolation):
        client.get("/test-only/read-only-write")
