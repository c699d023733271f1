"""The clinic's pages under load, beside the API's queue, on SQLite and PostgreSQL.

    python -m bench.clinic            # both databases; KAPJ_BENCH_POSTGRES_URL as for make bench
    BENCH_ENTRIES=1000000 BENCH_BACKENDS=sqlite BENCH_OUTPUT=clinic_results_1m.json \
        nice python -m bench.clinic   # and 1 M more entries, spread over the 100 patients

A therapist with 100 patients (each with an open window and two shared entries);
the first patient also has 10 windows with 200 entries. BENCH_ENTRIES adds that
many older entries, evenly over the patients (bench.seed's bulk insert). Measured on the real
server: the queue page (/clinic/), the patient page (/clinic/patients/{id}) and
GET /v1/therapist/queue, each with wrk (BENCH_CONNECTIONS, BENCH_DURATION) and
with one client in turn (p50/p95 of BENCH_SEQUENTIAL requests). Writes
bench/clinic_results.json (or BENCH_OUTPUT); the figures go into bench/RESULTS.md by hand.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert
from sqlmodel import Session

import app.models  # noqa: F401  (every table)
from app.accounts.models import CareTeamMember, Role, User
from app.accounts.service import create_user
from app.changes.models import PatientSyncState
from app.core.crypto import KeyRing
from app.core.db import make_engine
from app.counts.models import PatientCounts
from app.counts.service import counted_from_scratch
from app.entries.models import JournalEntry
from app.sessions.models import KetamineSession, Route
from bench.run import parse_wrk
from bench.seed import bulk_entries
from bench.server import bench_env, fresh_database, run_cli, serve, sign_in, workdir

PASSWORD = "bench-password-123"  # noqa: S105  (a throwaway bench database)
THERAPIST = "therapist@bench.example.org"
TEXT = "The light through the window looked different today; I noticed my breath. " * 3
HERE = Path(__file__).parent
FIRST_BULK_SEQ = 201


def _entry(pid: uuid.UUID, sid: uuid.UUID | None, at: datetime, seq: int, ring: KeyRing) -> Any:
    eid = uuid.uuid4()
    return {
        "id": eid,
        "patient_id": pid,
        "body_ciphertext": ring.encrypt(TEXT, aad=b"journal_entry:" + eid.bytes),
        "written_at": at,
        "client_written_at": at,
        "utc_offset_minutes": 0,
        "written_at_adjusted": False,
        "mood": seq % 11,
        "prompt_id": None,
        "is_shared": seq % 10 != 0,
        "version": 1,
        "session_id": sid,
        "change_seq": seq,
        "request_hash": "0" * 64,
        "created_at": at,
        "updated_at": at,
        "deleted_at": None,
    }


def seed(database_url: str, ring: KeyRing, patients: int = 100, bulk: int = 0) -> uuid.UUID:
    """The clinic; returns the id of the patient with 10 windows and 200 entries.

    bulk more entries are spread evenly over the patients, older than every window
    (bench.seed's bulk path), and the queue's kept counts are counted from the rows.
    """
    engine = make_engine(database_url)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    with Session(engine) as db, db.begin():
        therapist = create_user(
            db,
            email=THERAPIST,
            password=PASSWORD,
            role=Role.therapist,
            display_name="Bench therapist",
            timezone="UTC",
            now=now,
        )
        ids = []
        for i in range(patients):
            p = User(
                email=f"patient{i}@bench.example.org",
                display_name=f"Patient {i:03d}",
                role=Role.patient,
                timezone="UTC",
                password_hash=therapist.password_hash,
                created_at=now,
                updated_at=now,
            )
            db.add(p)
            db.flush()
            db.add(CareTeamMember(patient_id=p.id, therapist_id=therapist.id, created_at=now))
            ids.append(p.id)
            windows = 10 if i == 0 else 1
            per_window = 20 if i == 0 else 2
            for w in range(windows):
                at = now - timedelta(hours=2) - timedelta(days=7 * w)
                s = KetamineSession(
                    patient_id=p.id,
                    administered_at=at,
                    route=Route.im,
                    recorded_by=therapist.id,
                    created_at=now,
                    updated_at=now,
                )
                db.add(s)
                db.flush()
                for k in range(per_window):
                    seq = w * per_window + k + 1
                    rows.append(_entry(p.id, s.id, at + timedelta(minutes=5 * k + 1), seq, ring))
            db.flush()
    per_patient = bulk // patients
    start = time.monotonic()
    with engine.begin() as conn:
        conn.execute(insert(JournalEntry.__table__), rows)  # type: ignore[attr-defined]
        # The bulk entries' sequence numbers follow the window entries' (at most 200).
        bulk_entries(conn, ring, ids, per_patient, now, first_seq=FIRST_BULK_SEQ)
        sync = PatientSyncState.__table__  # type: ignore[attr-defined]
        last = FIRST_BULK_SEQ - 1 + per_patient
        conn.execute(insert(sync), [{"patient_id": pid, "last_seq": last} for pid in ids])
    print(
        f"  seeded {len(rows) + per_patient * patients} entries in "
        f"{time.monotonic() - start:.0f} s",
        flush=True,
    )
    with Session(engine) as db, db.begin():
        for pid, (unreviewed, flags) in counted_from_scratch(db).items():
            db.add(PatientCounts(patient_id=pid, unreviewed=unreviewed, open_flags=flags))
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return ids[0]


def clinic_cookie(url: str) -> str:
    with httpx.Client(base_url=url) as c:
        page = c.get("/clinic/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token
        r = c.post(
            "/clinic/login",
            data={"email": THERAPIST, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert r.status_code == 303, r.status_code
        return str(c.cookies["kapj_clinic"])


def sequential(url: str, headers: dict[str, str], n: int) -> dict[str, float]:
    times = []
    with httpx.Client(headers=headers, timeout=60) as c:
        for i in range(n + 3):
            start = time.perf_counter()
            r = c.get(url)
            took = (time.perf_counter() - start) * 1000
            assert r.status_code == 200, (url, r.status_code)
            if i >= 3:  # warm-up
                times.append(took)
    times.sort()
    return {
        "seq_p50_ms": round(statistics.median(times), 1),
        "seq_p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "bytes": len(r.content),
    }


def load(url: str, header: str, duration: int, conns: int) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "--latency", "-H", header, url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def one(backend: str, pg_url: str, cfg: dict[str, int]) -> dict[str, Any]:
    work = workdir()
    env = bench_env(fresh_database(backend, work, pg_url), work)
    env["KAPJ_CLINIC_IDLE_MINUTES"] = "240"  # one cookie for the whole run
    run_cli(env, "migrate")
    ring = KeyRing.parse(env["KAPJ_ENCRYPTION_KEYS"])
    patient = seed(env["KAPJ_DATABASE_URL"], ring, bulk=cfg["entries"])
    out: dict[str, Any] = {"backend": backend, "entries": cfg["entries"]}
    with serve(env, 1, work / "server.log") as server:
        bearer = {"Authorization": f"Bearer {sign_in(server.url, THERAPIST, PASSWORD)}"}
        cookie = {"Cookie": f"kapj_clinic={clinic_cookie(server.url)}"}
        targets = {
            "api_queue": (server.url + "/v1/therapist/queue", bearer),
            "clinic_queue": (server.url + "/clinic/", cookie),
            "clinic_patient": (server.url + f"/clinic/patients/{patient}", cookie),
        }
        for name, (url, headers) in targets.items():
            figures = sequential(url, headers, cfg["sequential"])
            if shutil.which("wrk"):
                ((key, value),) = headers.items()
                figures |= load(url, f"{key}: {value}", cfg["duration"], cfg["conns"])
            out[name] = figures
            print(f"  {backend} {name}: {figures}", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return out


def main() -> int:
    cfg = {
        "duration": int(os.environ.get("BENCH_DURATION", "10")),
        "conns": int(os.environ.get("BENCH_CONNECTIONS", "16")),
        "sequential": int(os.environ.get("BENCH_SEQUENTIAL", "40")),
        "entries": int(os.environ.get("BENCH_ENTRIES", "0")),
    }
    pg_url = os.environ.get(
        "KAPJ_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/kapj_bench"
    )
    backends = os.environ.get("BENCH_BACKENDS", "sqlite,postgresql").split(",")
    results = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "config": cfg,
        "runs": [one(b, pg_url, cfg) for b in backends],
    }
    name = os.environ.get("BENCH_OUTPUT", "clinic_results.json")
    (HERE / name).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
