"""Scheduling integration sessions inside the recommended range."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.integration.errors import (
    IntegrationBeforeDose,
    IntegrationInPast,
    IntegrationSessionNotFound,
)
from app.integration.models import IntegrationSession
from app.notifications.outbox import cancel, enqueue
from app.sessions.models import KetamineSession
from app.sessions.window import WindowRules

PREP_REMINDER = timedelta(hours=2)


def check_time(scheduled_at: datetime, *, session_at: datetime, now: datetime) -> None:
    """A time before the dose it follows, or already gone, is refused: it is a typo,
    never a plan. (Recording one after the fact is not what scheduling is for.)"""
    if scheduled_at < now:
        raise IntegrationInPast("Choose a time from now on.")
    if scheduled_at < session_at:
        raise IntegrationBeforeDose("Choose a time after the ketamine session.")


def within_range(session_at: datetime, scheduled_at: datetime, rules: WindowRules) -> bool:
    start = session_at + timedelta(hours=rules.integration_start_hours)
    end = session_at + timedelta(hours=rules.integration_end_hours)
    return start <= scheduled_at <= end


def view(item: IntegrationSession, session_at: datetime, rules: WindowRules) -> dict[str, Any]:
    return {
        "id": item.id,
        "patient_id": item.patient_id,
        "session_id": item.session_id,
        "scheduled_at": item.scheduled_at,
        "scheduled_by": item.scheduled_by,
        "within_recommended_range": within_range(session_at, item.scheduled_at, rules),
        "recommended_from": session_at + timedelta(hours=rules.integration_start_hours),
        "recommended_until": session_at + timedelta(hours=rules.integration_end_hours),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def _prep_reminder(db: Session, item: IntegrationSession, now: datetime) -> None:
    if item.scheduled_at <= now:
        # One recorded after the fact, or moved into the past: nothing to prepare for.
        cancel(db, dedupe_keys=[f"integration_prep:{item.id}"], now=now)
        return
    # Sent only if unreviewed entries remain then: the worker checks `condition`.
    enqueue(
        db,
        user_id=item.scheduled_by,
        kind="integration_prep",
        dedupe_key=f"integration_prep:{item.id}",
        due_at=max(now, item.scheduled_at - PREP_REMINDER),
        title="Integration session soon",
        body="You have entries to review before an integration session.",
        data={"condition": "unreviewed_entries", "session_id": str(item.session_id)},
        now=now,
    )


def schedule(
    db: Session,
    *,
    session: KetamineSession,
    at: datetime,
    by: uuid.UUID,
    now: datetime,
) -> IntegrationSession:
    """The integration session of this ketamine session's window, for its patient."""
    item = IntegrationSession(
        patient_id=session.patient_id,
        session_id=session.id,
        scheduled_at=at,
        scheduled_by=by,
        created_at=now,
        updated_at=now,
    )
    db.add(item)
    db.flush()
    _prep_reminder(db, item, now)
    return item


def get(db: Session, *, patient_id: uuid.UUID, item_id: uuid.UUID) -> IntegrationSession:
    item = db.get(IntegrationSession, item_id)
    if item is None or item.patient_id != patient_id:
        raise IntegrationSessionNotFound()
    return item


def move(
    db: Session, *, item: IntegrationSession, scheduled_at: datetime, now: datetime
) -> IntegrationSession:
    item.scheduled_at = scheduled_at
    item.updated_at = now
    db.add(item)
    db.flush()
    _prep_reminder(db, item, now)
    return item


def remove(db: Session, *, item: IntegrationSession, now: datetime) -> None:
    cancel(db, dedupe_keys=[f"integration_prep:{item.id}"], now=now)
    db.delete(item)
    db.flush()


def list_for_patient(
    db: Session, patient_id: uuid.UUID
) -> list[tuple[IntegrationSession, datetime]]:
    rows = db.exec(
        select(IntegrationSession, KetamineSession.administered_at)
        .join(KetamineSession, col(KetamineSession.id) == IntegrationSession.session_id)
        .where(IntegrationSession.patient_id == patient_id)
        .order_by(col(IntegrationSession.scheduled_at))
    ).all()
    return [(i, t) for i, t in rows]


def next_for_sessions(
    db: Session, session_ids: list[uuid.UUID], *, now: datetime
) -> dict[uuid.UUID, IntegrationSession]:
    """The next upcoming integration session of each ketamine session."""
    if not session_ids:
        return {}
    rows = db.exec(
        select(IntegrationSession)
        .where(
            col(IntegrationSession.session_id).in_(session_ids),
            col(IntegrationSession.scheduled_at) >= now,
        )
        .order_by(col(IntegrationSession.scheduled_at))
    ).all()
    out: dict[uuid.UUID, IntegrationSession] = {}
    for item in rows:
        out.setdefault(item.session_id, item)
    return out
