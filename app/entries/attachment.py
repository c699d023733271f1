"""Attaching entries to the window that contains them, and keeping it current."""

import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from app.changes.sequence import claim_seqs
from app.entries.models import JournalEntry, live
from app.sessions.models import KetamineSession
from app.sessions.window import WindowRules, attach

_sessions = cast(Table, KetamineSession.__table__)  # type: ignore[attr-defined]
_BETWEEN = (
    select(_sessions.c.administered_at, _sessions.c.id)
    .where(
        _sessions.c.patient_id == bindparam("pid"),
        _sessions.c.administered_at >= bindparam("lo"),
        _sessions.c.administered_at <= bindparam("hi"),
    )
    .order_by(_sessions.c.administered_at)
)


def sessions_between(
    db: Session, patient_id: uuid.UUID, lo: datetime, hi: datetime
) -> list[tuple[datetime, uuid.UUID]]:
    """(administered_at, id) of the patient's sessions in [lo, hi], oldest first."""
    rows = db.connection().execute(_BETWEEN, {"pid": patient_id, "lo": lo, "hi": hi})
    return [(t, i) for t, i in rows]


def session_for(
    db: Session, patient_id: uuid.UUID, written_at: datetime, rules: WindowRules
) -> tuple[uuid.UUID, datetime] | None:
    """The session whose window holds `written_at`, and when it was administered."""
    sessions = sessions_between(db, patient_id, written_at - rules.length, written_at)
    found = attach(sessions, written_at, rules)
    return next(((i, t) for t, i in sessions if i == found), None)


def reattach(
    db: Session, *, patient_id: uuid.UUID, lo: datetime, hi: datetime, rules: WindowRules
) -> int:
    """Recompute the window of every entry written in [lo, hi]; return how many moved.

    Called in the transaction that records, moves or deletes a session, so an
    attachment is never stale. Moved entries get a new change number, so
    syncing phones see their new window.
    """
    sessions = sessions_between(db, patient_id, lo - rules.length, hi)
    rows = db.exec(
        orm_select(JournalEntry.id, JournalEntry.written_at, JournalEntry.session_id).where(
            JournalEntry.patient_id == patient_id,
            col(JournalEntry.written_at) >= lo,
            col(JournalEntry.written_at) <= hi,
            live(),
        )
    ).all()
    moved = [
        (entry_id, new)
        for entry_id, written_at, old in rows
        if (new := attach(sessions, written_at, rules)) != old
    ]
    if not moved:
        return 0
    seqs = claim_seqs(db, patient_id, len(moved))
    db.connection().execute(
        update(JournalEntry)
        .where(col(JournalEntry.id) == bindparam("eid"))
        .values(session_id=bindparam("sid"), change_seq=bindparam("seq")),
        [
            {"eid": entry_id, "sid": new, "seq": seq}
            for (entry_id, new), seq in zip(moved, seqs, strict=True)
        ],
    )
    return len(moved)
