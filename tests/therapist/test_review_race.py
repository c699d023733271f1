"""A double-tapped review writes one row and answers 200 every time."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.reviews.models import EntryReview
from tests.conftest import Clock
from tests.entries.conftest import iso
from tests.factories import auth_headers, make_patient, make_therapist
from tests.live import serve


def test_concurrent_reviews_of_one_entry_by_one_therapist_keep_one_row(
    live_app: FastAPI, engine: Engine, clock: Clock
) -> None:
    tokens = live_app.state.ctx.tokens
    with Session(engine, expire_on_commit=False) as db, db.begin():
        patient = make_patient(db)
        therapist = make_therapist(db, patients=(patient,))
        ph = auth_headers(db, tokens, patient, now=clock.now)
        th = auth_headers(db, tokens, therapist, now=clock.now)
    with (
        serve(live_app) as url,
        httpx.Client(base_url=url, timeout=30) as http,
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        body = {"body": "read me", "written_at": iso(clock.now - timedelta(minutes=1))}
        entry = http.post("/v1/entries", json=body, headers=ph).json()

        def review(i: int) -> httpx.Response:
            note = {"note": f"note {i}", "discuss": True}
            return http.put(f"/v1/entries/{entry['id']}/review", json=note, headers=th)

        results = list(pool.map(review, range(8)))
    assert [r.status_code for r in results] == [200] * 8
    assert len({r.json()["id"] for r in results}) == 1
    with Session(engine) as db:
        rows = db.exec(
            select(EntryReview).where(EntryReview.entry_id == uuid.UUID(entry["id"]))
        ).all()
    assert len(rows) == 1
