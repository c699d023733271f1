"""Reading sessions and their windows: queries that change nothing, for any domain."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, func, select

from app.sessions.errors import SessionNotFound
from app.sessions.models import KetamineSession
from app.sessions.window import Window, WindowRules, window_for


def next_session_time(db: Session, patient_id: uuid.UUID, after: datetime) -> datetime | None:
    return db.exec(
        select(func.min(KetamineSession.administered_at)).where(
            KetamineSession.patient_id == patient_id,
            col(KetamineSession.administered_at) > after,
        )
    ).one()


def window_of(db: Session, session: KetamineSession, rules: WindowRules) -> Window:
    nxt = next_session_time(db, session.patient_id, session.administered_at)
    return window_for(session.id, session.administered_at, nxt, rules, route=session.route)


def get_session(
    db: Session, session_id: uuid.UUID, *, patient_id: uuid.UUID | None = None
) -> KetamineSession:
    """The session, or 404; with `patient_id`, only if it is that patient's."""
    session = db.get(KetamineSession, session_id)
    if session is None or (patient_id is not None and session.patient_id != patient_id):
        raise SessionNotFound()
    return session


def latest_session_at(db: Session, patient_id: uuid.UUID, at: datetime) -> KetamineSession | None:
    return db.exec(
        select(KetamineSession)
        .where(
            KetamineSession.patient_id == patient_id,
            col(KetamineSession.administered_at) <= at,
        )
        .order_by(col(KetamineSession.administered_at).desc())
        .limit(1)
    ).first()


def current_window(
    db: Session, *, patient_id: uuid.UUID, now: datetime, rules: WindowRules
) -> Window | None:
    """The window open at `now`, if any."""
    session = latest_session_at(db, patient_id, now)
    if session is None:
        return None
    window = window_of(db, session, rules)
    return window if window.contains(now) else None
