"""The per-patient change counter that makes sync lossless.

Every change to a patient's entries takes the next number from that patient's
`patient_sync_state` row while holding its row lock (the upsert that takes the
number locks the row on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises all
writers). The lock is held until commit, so a patient's changes commit in the
order of their numbers: once a reader sees number N, every number below N is
already visible. A sync that returns everything above its token therefore never
skips a change that commits later with a smaller number.
"""

import uuid
from typing import Any, cast

from sqlalchemy import Table, bindparam
from sqlmodel import Session

from app.changes.models import PatientSyncState
from app.core.db import per_dialect

_state = cast(Table, PatientSyncState.__table__)  # type: ignore[attr-defined]


def _claim(insert: Any) -> Any:
    # One statement takes the row lock and the numbers: an upsert locks the row on
    # PostgreSQL until commit, and SQLite's BEGIN IMMEDIATE already serialises writers.
    stmt = insert(_state).values(patient_id=bindparam("pid"), last_seq=bindparam("n"))
    return stmt.on_conflict_do_update(
        index_elements=[_state.c.patient_id],
        set_={"last_seq": _state.c.last_seq + stmt.excluded.last_seq},
    ).returning(_state.c.last_seq)


_CLAIM = per_dialect(_claim)


def claim_seqs(db: Session, patient_id: uuid.UUID, count: int) -> list[int]:
    """Take the patient's change lock for this transaction and `count` new numbers.

    Numbers taken by a transaction that then changes nothing are skipped: sync
    asks for everything above a number, so gaps are harmless.
    """
    connection = db.connection()
    last = connection.execute(
        _CLAIM[connection.dialect.name], {"pid": patient_id, "n": count}
    ).scalar_one()
    return list(range(last - count + 1, last + 1))


def lock_patient(db: Session, patient_id: uuid.UUID) -> None:
    """Take the patient's change lock for this transaction."""
    claim_seqs(db, patient_id, 0)
