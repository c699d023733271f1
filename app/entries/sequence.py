"""The per-patient change counter that makes sync lossless.

Every change to a patient's entries takes the next number from that patient's
`patient_sync_state` row while holding its row lock (SELECT ... FOR UPDATE on
PostgreSQL; SQLite's BEGIN IMMEDIATE serialises all writers). The lock is held
until commit, so a patient's changes commit in the order of their numbers: once
a reader sees number N, every number below N is already visible. A sync that
returns everything above its token therefore never skips a change that commits
later with a smaller number.
"""

import uuid

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from app.entries.models import PatientSyncState


def lock_patient(db: Session, patient_id: uuid.UUID) -> int:
    """Take the patient's change lock for this transaction; return the last number."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.execute(
        insert(PatientSyncState)
        .values(patient_id=patient_id, last_seq=0)
        .on_conflict_do_nothing(index_elements=["patient_id"])
    )
    last = db.exec(
        select(PatientSyncState.last_seq)
        .where(PatientSyncState.patient_id == patient_id)
        .with_for_update()
    ).one()
    return int(last)


def next_seqs(
    db: Session, patient_id: uuid.UUID, count: int, *, locked_last: int | None = None
) -> list[int]:
    """`count` new change numbers for the patient, under the patient's lock.

    `locked_last` is what lock_patient() returned earlier in this transaction.
    """
    last = lock_patient(db, patient_id) if locked_last is None else locked_last
    db.execute(
        update(PatientSyncState)
        .where(col(PatientSyncState.patient_id) == patient_id)
        .values(last_seq=last + count)
    )
    return list(range(last + 1, last + count + 1))
