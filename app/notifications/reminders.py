"""Journaling reminders for a window: scheduled with the change that causes them.

- `window_opened`: 2 hours after the session, never in its first 2 hours;
- `window_closing`: 6 hours before the window closes, only while nothing is written
  in it: checked when it falls due (app.worker.still_wanted), so writing
  an entry costs no reminder update;
- both move out of quiet hours (22:00-08:00 local), or are dropped when that would
  put them past the window's close.
Texts carry no health detail: lock screens are public.
"""

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.entries.models import JournalEntry, live
from app.notifications.models import Notification, NotificationStatus
from app.notifications.outbox import cancel, enqueue
from app.notifications.quiet_hours import outside_quiet_hours
from app.sessions.models import KetamineSession
from app.sessions.queries import window_of
from app.sessions.window import WindowRules

OPENED_AFTER = timedelta(hours=2)
CLOSING_BEFORE = timedelta(hours=6)
TITLE = "kap-journal"
BODY = "You have a journaling reminder."
KINDS = ("window_opened", "window_closing")


def _keys(session_id: uuid.UUID) -> list[str]:
    return [f"window_opened:{session_id}", f"window_closing:{session_id}"]


def _schedule(
    db: Session,
    *,
    patient: User,
    kind: str,
    session_id: uuid.UUID,
    due_at: datetime,
    closes_at: datetime,
    now: datetime,
) -> None:
    key = f"{kind}:{session_id}"
    due = outside_quiet_hours(max(due_at, now), patient.timezone)
    if due >= closes_at:
        cancel(db, dedupe_keys=[key], now=now)
        return
    enqueue(
        db,
        user_id=patient.id,
        kind=kind,
        dedupe_key=key,
        due_at=due,
        title=TITLE,
        body=BODY,
        data={"session_id": str(session_id)},
        now=now,
    )


def reschedule_patient(
    db: Session, *, patient_id: uuid.UUID, rules: WindowRules, now: datetime
) -> None:
    """Bring the reminders of every window that is not yet closed in line with the sessions."""
    patient = db.get(User, patient_id)
    if patient is None:
        return
    if not patient.is_active:
        _cancel_closed_windows(db, patient_id=patient_id, open_ids=set(), now=now)
        return
    recent = db.exec(
        select(KetamineSession).where(
            KetamineSession.patient_id == patient_id,
            col(KetamineSession.administered_at) > now - rules.length,
        )
    ).all()
    open_ids: set[str] = set()
    for session in recent:
        window = window_of(db, session, rules)
        if window.closes_at <= now:
            continue
        open_ids.add(str(session.id))
        _schedule(
            db,
            patient=patient,
            kind="window_opened",
            session_id=session.id,
            due_at=window.opens_at + OPENED_AFTER,
            closes_at=window.closes_at,
            now=now,
        )
        written = db.exec(
            select(JournalEntry.id).where(JournalEntry.session_id == session.id, live())
        ).first()
        if written is not None:
            cancel(db, dedupe_keys=[f"window_closing:{session.id}"], now=now)
        else:
            _schedule(
                db,
                patient=patient,
                kind="window_closing",
                session_id=session.id,
                due_at=window.closes_at - CLOSING_BEFORE,
                closes_at=window.closes_at,
                now=now,
            )
    _cancel_closed_windows(db, patient_id=patient_id, open_ids=open_ids, now=now)


def _cancel_closed_windows(
    db: Session, *, patient_id: uuid.UUID, open_ids: set[str], now: datetime
) -> None:
    """Pending window reminders whose window is no longer open (a session moved
    back past its window, or deleted) are cancelled."""
    keys = db.exec(
        select(Notification.dedupe_key).where(
            Notification.user_id == patient_id,
            col(Notification.kind).in_(KINDS),
            col(Notification.status) == NotificationStatus.pending,
        )
    ).all()
    stale = [k for k in keys if k.split(":", 1)[1] not in open_ids]
    cancel(db, dedupe_keys=stale, now=now)


def cancel_for_session(db: Session, *, session_id: uuid.UUID, now: datetime) -> None:
    cancel(db, dedupe_keys=_keys(session_id), now=now)
