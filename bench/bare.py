"""The bare references every ratio in bench/RESULTS.md is taken against.

A plain FastAPI app with SQLModel's `create_engine` on the same database (the
same pool size), and none of the product: no authentication, encryption, audit,
windows or request middleware. Sync routes, as the FastAPI documentation writes
them:

- GET /healthz: a sync route returning a dict;
- POST /entries: one row inserted and committed, the row returned;
- GET /entries?limit=50: the newest 50 rows of one patient, from an index.

Run as `uvicorn bench.bare:app` with KAPJ_DATABASE_URL set; `fill()` copies the
seeded journal rows into its table so both page the same amount of data.
"""

import os
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, Text, Uuid, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, select

PATIENT = "patient0@bench.example.org"

metadata = MetaData()
bare_entry = Table(
    "bare_entry",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("patient_id", Uuid, nullable=False),
    Column("body", Text, nullable=False),
    Column("mood", String(2)),
    Column("written_at", DateTime(timezone=True), nullable=False),
    Index("ix_bare_entry_patient_written", "patient_id", "written_at"),
)


class BareIn(BaseModel):
    id: uuid.UUID
    body: str
    written_at: datetime
    mood: int | None = None


def fill(engine: Engine) -> None:
    """The bare table, holding the seeded journal's rows (ids, patients and times)."""
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM bare_entry"))
        conn.execute(
            text(
                "INSERT INTO bare_entry (id, patient_id, body, mood, written_at) "
                "SELECT id, patient_id, 'bench entry: the colours were louder', '5', written_at "
                "FROM journal_entry"
            )
        )


def bare_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"check_same_thread": False}, pool_size=20)
    return create_engine(url, pool_size=20, max_overflow=20)


def create_app() -> FastAPI:
    engine = bare_engine(os.environ["KAPJ_DATABASE_URL"])
    with engine.connect() as conn:
        patient = str(
            conn.execute(
                text("SELECT id FROM user_account WHERE email = :e"), {"e": PATIENT}
            ).scalar_one()
        )
    app = FastAPI()

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/entries", status_code=201)
    def create(entry: BareIn) -> dict[str, Any]:
        row = {
            "id": entry.id,
            "patient_id": uuid.UUID(patient),
            "body": entry.body,
            "mood": str(entry.mood),
            "written_at": entry.written_at.astimezone(UTC),
        }
        with Session(engine) as db:
            db.execute(bare_entry.insert().values(**row))
            db.commit()
        return row

    @app.get("/entries")
    def page(limit: int = 50) -> dict[str, Any]:
        pid = uuid.UUID(patient)
        with Session(engine) as db:
            rows = db.execute(
                select(bare_entry)
                .where(bare_entry.c.patient_id == pid)
                .order_by(bare_entry.c.written_at.desc())
                .limit(limit)
            ).all()
        return {"items": [dict(r._mapping) for r in rows], "next_cursor": None}

    return app


app = create_app() if "KAPJ_DATABASE_URL" in os.environ else FastAPI()
