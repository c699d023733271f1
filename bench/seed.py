"""Bulk seeder: a clinic with N stored entries, inserted with Core in batches.

Bodies are encrypted with the app's KeyRing, each bound to its own entry id (as
the app does), so every seeded entry reads back through the API. One therapist
has every patient on their care team; the first patient is the benchmark's.

    python -m bench.seed --entries 1000000 --patients 100
"""

import argparse
import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

import app.models  # noqa: F401  (every table)
from app.accounts.models import CareTeamMember, Role, User
from app.accounts.service import create_user
from app.changes.models import PatientSyncState
from app.core.config import get_settings
from app.core.crypto import KeyRing
from app.core.db import make_engine
from app.entries.models import JournalEntry
from app.sessions.models import KetamineSession, Route

PASSWORD = "bench-password-123"  # noqa: S105  (a throwaway bench database)
BATCH = 5000
TEXT = "The light through the window looked different today; I noticed my breath. " * 3


@dataclass(frozen=True)
class Clinic:
    patient_email: str
    therapist_email: str
    password: str = PASSWORD


def _people(db: Session, patients: int, now: datetime) -> tuple[list[uuid.UUID], uuid.UUID]:
    therapist = create_user(
        db,
        email="therapist@bench.example.org",
        password=PASSWORD,
        role=Role.therapist,
        display_name="Bench therapist",
        timezone="UTC",
        now=now,
    )
    ids = []
    for i in range(patients):
        # The password hash is slow and the same for all: hash once, copy it.
        p = User(
            email=f"patient{i}@bench.example.org",
            display_name=f"Patient {i}",
            role=Role.patient,
            timezone="UTC",
            password_hash=therapist.password_hash,
            is_active=True,
            created_at=now,
            updated_at=now,
        )
        db.add(p)
        db.flush()
        db.add(CareTeamMember(patient_id=p.id, therapist_id=therapist.id, created_at=now))
        # An open window, so new entries attach and the queue has something to show.
        db.add(
            KetamineSession(
                patient_id=p.id,
                administered_at=now - timedelta(hours=2),
                route=Route.im,
                recorded_by=therapist.id,
                created_at=now,
                updated_at=now,
            )
        )
        ids.append(p.id)
    db.flush()
    return ids, therapist.id


def entry_row(
    pid: uuid.UUID, at: datetime, seq: int, keyring: KeyRing, digest: str
) -> dict[str, object]:
    """One stored entry, its body encrypted and bound to its own id as the app does."""
    eid = uuid.uuid4()
    return {
        "id": eid,
        "patient_id": pid,
        "body_ciphertext": keyring.encrypt(TEXT, aad=b"journal_entry:" + eid.bytes),
        "written_at": at,
        "client_written_at": at,
        "utc_offset_minutes": 0,
        "written_at_adjusted": False,
        "mood": seq % 11,
        "prompt_id": None,
        "is_shared": seq % 5 != 0,
        "version": 1,
        "session_id": None,
        "change_seq": seq,
        "request_hash": digest,
        "created_at": at,
        "updated_at": at,
        "deleted_at": None,
    }


def bulk_entries(
    conn: Connection,
    keyring: KeyRing,
    patient_ids: list[uuid.UUID],
    per_patient: int,
    now: datetime,
    first_seq: int = 1,
) -> None:
    """per_patient entries for each patient, spread over the past year, in batches.

    Sequence numbers start at first_seq; the caller keeps patient_sync_state.
    """
    table = JournalEntry.__table__  # type: ignore[attr-defined]
    digest = hashlib.sha256(b"seeded").hexdigest()
    rows: list[dict[str, object]] = []
    for pid in patient_ids:
        for k in range(per_patient):
            # Older than the open window: three hours ago and back over a year.
            at = now - timedelta(hours=3, minutes=(k + 1) * 525_600 // per_patient)
            rows.append(entry_row(pid, at, first_seq + k, keyring, digest))
            if len(rows) >= BATCH:
                conn.execute(insert(table), rows)
                rows.clear()
    if rows:
        conn.execute(insert(table), rows)


def seed(engine: Engine, keyring: KeyRing, *, entries: int, patients: int) -> Clinic:
    now = datetime.now(UTC)
    with Session(engine) as db, db.begin():
        patient_ids, _ = _people(db, patients, now)
    per_patient = entries // patients
    start = time.monotonic()
    with engine.begin() as conn:
        bulk_entries(conn, keyring, patient_ids, per_patient, now)
        conn.execute(
            insert(PatientSyncState.__table__),  # type: ignore[attr-defined]
            [{"patient_id": pid, "last_seq": per_patient} for pid in patient_ids],
        )
    took = time.monotonic() - start
    print(f"seeded {per_patient * patients} entries in {took:.1f} s", flush=True)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # plans as they would be on a live database
    return Clinic("patient0@bench.example.org", "therapist@bench.example.org")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--patients", type=int, default=100)
    args = parser.parse_args()
    settings = get_settings()
    engine = make_engine(settings.database_url)
    keyring = KeyRing.parse(settings.resolved_encryption_keys())
    seed(engine, keyring, entries=args.entries, patients=args.patients)


if __name__ == "__main__":
    main()
