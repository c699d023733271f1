"""Recording, correcting and removing ketamine sessions; windows and counts."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.changes.sequence import lock_patient
from app.core.pagination import cut_page, keyset
from app.entries.models import JournalEntry, live, shared
from app.reviews.service import flagged_counts, unreviewed_counts
from app.sessions.errors import SessionInFuture, SessionTimeTaken
from app.sessions.models import KetamineSession
from app.sessions.queries import next_session_time, window_of
from app.sessions.schemas import SessionCounts, SessionCreate
from app.sessions.window import Window, WindowRules, window_for

FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class SessionWithWindow:
    session: KetamineSession
    window: Window


def _check_time(administered_at: datetime, now: datetime) -> None:
    if administered_at > now + FUTURE_TOLERANCE:
        raise SessionInFuture()


def _flush_unique(db: Session) -> None:
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:
        raise SessionTimeTaken() from exc


def record_session(
    db: Session,
    *,
    patient_id: uuid.UUID,
    by: uuid.UUID,
    self_report: bool,
    new: SessionCreate,
    now: datetime,
) -> KetamineSession:
    """Store the session under the patient's lock (the use case re-attaches entries)."""
    _check_time(new.administered_at, now)
    # Entries and sessions of one patient change under one lock, so an entry
    # written while a session is recorded is attached by one side or the other.
    lock_patient(db, patient_id)
    who: dict[str, Any] = {
        "patient_id": patient_id,
        "recorded_by": by,
        "is_self_reported": self_report,
    }
    session = KetamineSession(**new.model_dump(), **who, created_at=now, updated_at=now)
    db.add(session)
    _flush_unique(db)
    return session


def with_window(db: Session, session: KetamineSession, rules: WindowRules) -> SessionWithWindow:
    return SessionWithWindow(session, window_of(db, session, rules))


def update_session(
    db: Session,
    *,
    session: KetamineSession,
    changes: dict[str, object],
    now: datetime,
) -> KetamineSession:
    lock_patient(db, session.patient_id)
    new_time = changes.get("administered_at")
    if isinstance(new_time, datetime):
        _check_time(new_time, now)
    for field, value in changes.items():
        setattr(session, field, value)
    session.updated_at = now
    db.add(session)
    _flush_unique(db)
    return session


def delete_session(db: Session, *, session: KetamineSession) -> None:
    lock_patient(db, session.patient_id)
    db.delete(session)
    db.flush()


def list_sessions(
    db: Session, *, patient_id: uuid.UUID, rules: WindowRules, limit: int, before: datetime | None
) -> list[SessionWithWindow]:
    """Newest first; `before` pages by administered_at (the v1.1 list)."""
    stmt = select(KetamineSession).where(KetamineSession.patient_id == patient_id)
    if before is not None:
        stmt = stmt.where(col(KetamineSession.administered_at) < before)
    rows = list(db.exec(stmt.order_by(col(KetamineSession.administered_at).desc()).limit(limit)))
    return _with_windows(db, patient_id, rows, rules)


def session_page(
    db: Session, *, patient_id: uuid.UUID, rules: WindowRules, limit: int, cursor: str | None
) -> tuple[list[SessionWithWindow], str | None]:
    """Newest first, one page after the cursor's (administered_at, id)."""
    stmt = keyset(
        select(KetamineSession).where(KetamineSession.patient_id == patient_id),
        col(KetamineSession.administered_at),
        col(KetamineSession.id),
        cursor,
        descending=True,
    )
    rows, nxt = cut_page(
        list(db.exec(stmt.limit(limit + 1))), limit, lambda s: (s.administered_at, s.id)
    )
    return _with_windows(db, patient_id, rows, rules), nxt


def _with_windows(
    db: Session, patient_id: uuid.UUID, rows: list[KetamineSession], rules: WindowRules
) -> list[SessionWithWindow]:
    if not rows:
        return []
    # The newest row's window may be closed early by the session just after the page.
    following = next_session_time(db, patient_id, rows[0].administered_at)
    out = []
    for s in rows:
        window = window_for(s.id, s.administered_at, following, rules, route=s.route)
        out.append(SessionWithWindow(s, window))
        following = s.administered_at
    return out


def session_counts(
    db: Session, session_ids: list[uuid.UUID], *, shared_only: bool
) -> dict[uuid.UUID, SessionCounts]:
    """Entries per session (shared ones for the care team), unreviewed and flagged."""
    if not session_ids:
        return {}
    stmt = select(JournalEntry.session_id, func.count()).where(
        col(JournalEntry.session_id).in_(session_ids), shared() if shared_only else live()
    )
    rows = db.exec(stmt.group_by(col(JournalEntry.session_id))).all()
    entries = {sid: int(n) for sid, n in rows if sid is not None}
    unreviewed = unreviewed_counts(db, session_ids=session_ids)
    flagged = flagged_counts(db, session_ids)
    return {
        sid: SessionCounts(
            entries=entries.get(sid, 0),
            unreviewed=unreviewed.get(sid, 0),
            flagged=flagged.get(sid, 0),
        )
        for sid in session_ids
    }
