"""Concurrent retries write one row; sync under concurrent writes misses nothing."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.accounts.models import User
from app.entries.models import JournalEntry
from tests.conftest import Clock
from tests.entries.conftest import iso
from tests.factories import auth_headers, make_patient
from tests.live import serve


def _patient(engine: Engine, app: FastAPI, clock: Clock) -> tuple[User, dict[str, str]]:
    with Session(engine, expire_on_commit=False) as db, db.begin():
        patient = make_patient(db)
        headers = auth_headers(db, app.state.ctx.tokens, patient, now=clock.now)
    return patient, headers


def _rows(engine: Engine, patient: User) -> list[JournalEntry]:
    with Session(engine) as db:
        return list(db.exec(select(JournalEntry).where(JournalEntry.patient_id == patient.id)))


def test_ten_concurrent_replays_of_one_id_write_one_row(
    live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    patient, headers = _patient(engine, live_app, clock)
    body = {"id": str(uuid.uuid4()), "body": "sent ten times", "written_at": iso(clock.now)}
    with (
        serve(live_app) as url,
        httpx.Client(base_url=url, timeout=30) as http,
        ThreadPoolExecutor(max_workers=10) as pool,
    ):
        results = list(
            pool.map(lambda _: http.post("/v1/entries", json=body, headers=headers), range(10))
        )
    assert [r.status_code for r in results] == [201] * 10
    assert {r.json()["id"] for r in results} == {body["id"]}
    assert len(_rows(engine, patient)) == 1


def test_ten_concurrent_replays_of_one_key_write_one_row(
    live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    patient, headers = _patient(engine, live_app, clock)
    body = {"body": "keyed retry", "written_at": iso(clock.now)}
    h = headers | {"Idempotency-Key": f"key-{uuid.uuid4()}"}
    with (
        serve(live_app) as url,
        httpx.Client(base_url=url, timeout=30) as http,
        ThreadPoolExecutor(max_workers=10) as pool,
    ):
        results = list(
            pool.map(lambda _: http.post("/v1/entries", json=body, headers=h), range(10))
        )
    assert [r.status_code for r in results] == [201] * 10
    assert len({r.json()["id"] for r in results}) == 1
    assert len(_rows(engine, patient)) == 1


def test_sync_under_concurrent_writes_misses_nothing(
    live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    patient, headers = _patient(engine, live_app, clock)
    seen: dict[str, bool] = {}
    done = threading.Event()

    with serve(live_app) as url:

        def writer(n: int) -> None:
            with httpx.Client(base_url=url, timeout=30) as http:
                ids: list[str] = []
                for i in range(12):
                    r = http.post(
                        "/v1/entries",
                        json={
                            "body": f"w{n}-{i}",
                            "written_at": iso(clock.now - timedelta(minutes=i)),
                        },
                        headers=headers,
                    )
                    assert r.status_code == 201
                    ids.append(r.json()["id"])
                    if i % 4 == 3:  # edits and deletes are changes too
                        d = http.delete(
                            f"/v1/entries/{ids.pop(0)}", headers=headers | {"If-Match": '"v1"'}
                        )
                        assert d.status_code == 204

        def syncer() -> None:
            token = None
            with httpx.Client(base_url=url, timeout=30) as http:
                while True:
                    finished = done.is_set()
                    params = {"since": token} if token else {}
                    page = http.get(
                        "/v1/entries/sync", params=params | {"limit": 7}, headers=headers
                    ).json()
                    for change in page["changes"]:
                        seen[change["id"]] = bool(change["deleted"])
                    token = page["next_since"]
                    if finished and not page["has_more"]:
                        return

        sync_thread = threading.Thread(target=syncer)
        sync_thread.start()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(writer, range(4)))
        done.set()
        sync_thread.join(timeout=60)

    stored = {str(e.id): e.deleted_at is not None for e in _rows(engine, patient)}
    assert len(stored) == 48
    assert seen == stored


def test_entries_written_while_sessions_are_recorded_attach_correctly(
    live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    from app.sessions.models import KetamineSession
    from tests.factories import make_therapist

    patient, headers = _patient(engine, live_app, clock)
    with Session(engine, expire_on_commit=False) as db, db.begin():
        therapist = make_therapist(db, patients=(patient,))
        th = auth_headers(db, live_app.state.ctx.tokens, therapist, now=clock.now)
    base = clock.now - timedelta(hours=100)

    with serve(live_app) as url:

        def write(i: int) -> None:
            with httpx.Client(base_url=url, timeout=30) as http:
                at = base + timedelta(hours=i * 3)
                body = {"body": f"e{i}", "written_at": iso(at)}
                assert http.post("/v1/entries", json=body, headers=headers).status_code == 201

        def record(i: int) -> None:
            with httpx.Client(base_url=url, timeout=30) as http:
                body = {"administered_at": iso(base + timedelta(hours=i * 25)), "route": "im"}
                r = http.post(f"/v1/patients/{patient.id}/sessions", json=body, headers=th)
                assert r.status_code == 201

        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(write, i) for i in range(30)]
            futures += [pool.submit(record, i) for i in range(4)]
            for f in futures:
                f.result()

    with Session(engine) as db:
        sessions = sorted(
            (s.administered_at, s.id)
            for s in db.exec(
                select(KetamineSession).where(KetamineSession.patient_id == patient.id)
            )
        )
    for entry in _rows(engine, patient):
        expected = None
        for i, (at, sid) in enumerate(sessions):
            closes = min(
                at + timedelta(hours=48),
                sessions[i + 1][0] if i + 1 < len(sessions) else at + timedelta(hours=48),
            )
            if at <= entry.written_at < closes:
                expected = sid
        assert entry.session_id == expected
