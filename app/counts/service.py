"""Keeping the queue's per-patient counts, and counting them from scratch."""

import uuid
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, exists, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from app.core.db import per_dialect
from app.counts.models import PatientCounts
from app.entries.models import JournalEntry, is_visible_to_care_team, shared
from app.reviews.models import EntryReview
from app.safety.models import SafetyFlag

_counts = cast(Table, PatientCounts.__table__)  # type: ignore[attr-defined]


def _adjust(insert: Any) -> Any:
    stmt = insert(_counts).values(
        patient_id=bindparam("pid"), unreviewed=bindparam("du"), open_flags=bindparam("df")
    )
    return stmt.on_conflict_do_update(
        index_elements=[_counts.c.patient_id],
        set_={
            "unreviewed": _counts.c.unreviewed + stmt.excluded.unreviewed,
            "open_flags": _counts.c.open_flags + stmt.excluded.open_flags,
        },
    )


_ADJUST = per_dialect(_adjust)


def adjust(db: Session, patient_id: uuid.UUID, *, unreviewed: int = 0, open_flags: int = 0) -> None:
    """Move the patient's kept counts by these amounts, in the caller's transaction."""
    if unreviewed == 0 and open_flags == 0:
        return
    connection = db.connection()
    connection.execute(
        _ADJUST[connection.dialect.name], {"pid": patient_id, "du": unreviewed, "df": open_flags}
    )


def fresh_review_exists() -> ColumnElement[bool]:
    """SQL: some therapist reviewed the entry's current version."""
    return exists().where(
        and_(
            col(EntryReview.entry_id) == JournalEntry.id,
            col(EntryReview.entry_version) == JournalEntry.version,
        )
    )


def is_unreviewed() -> ColumnElement[bool]:
    """SQL: a shared, live entry with no review of its current version."""
    return and_(shared(), ~fresh_review_exists())


def entry_is_unreviewed(db: Session, entry: JournalEntry) -> bool:
    """Whether this entry, as stored now, counts as unreviewed."""
    if not is_visible_to_care_team(entry):
        return False
    reviewed = db.exec(  # type: ignore[call-overload]
        select(
            exists().where(
                col(EntryReview.entry_id) == entry.id,
                col(EntryReview.entry_version) == entry.version,
            )
        )
    ).scalar_one()
    return not reviewed


def kept_counts(db: Session, patient_ids: list[uuid.UUID]) -> dict[uuid.UUID, PatientCounts]:
    if not patient_ids:
        return {}
    rows = db.exec(  # type: ignore[call-overload]
        select(PatientCounts).where(col(PatientCounts.patient_id).in_(patient_ids))
    ).scalars()
    return {r.patient_id: r for r in rows}


def counted_from_scratch(db: Session) -> dict[uuid.UUID, tuple[int, int]]:
    """(unreviewed, open flags) per patient, counted from the rows themselves."""
    unreviewed = db.execute(
        select(col(JournalEntry.patient_id), func.count())
        .where(is_unreviewed())
        .group_by(col(JournalEntry.patient_id))
    ).all()
    flags = db.execute(
        select(col(SafetyFlag.patient_id), func.count())
        .where(col(SafetyFlag.acknowledged_at).is_(None))
        .group_by(col(SafetyFlag.patient_id))
    ).all()
    out: dict[uuid.UUID, tuple[int, int]] = {}
    for pid, n in unreviewed:
        out[pid] = (int(n), 0)
    for pid, n in flags:
        out[pid] = (out.get(pid, (0, 0))[0], int(n))
    return out
