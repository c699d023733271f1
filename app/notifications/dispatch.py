"""Delivering due notifications: claim with a lease, send, record the attempt.

On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so several workers
never take the same row; the lease brings back the rows of a worker that died
mid-send. SQLite has one writer at a time, which gives the same guarantee.
"""

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.notifications.models import Device, Notification, NotificationAttempt, NotificationStatus
from app.notifications.senders import Message, Sender, SendError

LEASE = timedelta(minutes=2)


def claim(db: Session, *, now: datetime, limit: int) -> list[uuid.UUID]:
    rows = db.exec(
        select(Notification.id)
        .where(
            col(Notification.status) == NotificationStatus.pending,
            col(Notification.due_at) <= now,
            (col(Notification.lease_until).is_(None)) | (col(Notification.lease_until) < now),
        )
        .order_by(col(Notification.due_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    ids = list(rows)
    if ids:
        db.execute(
            update(Notification)
            .where(col(Notification.id).in_(ids))
            .values(lease_until=now + LEASE)
        )
    return ids


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2 ** (attempt - 1)))


def _message(db: Session, n: Notification) -> Message:
    devices = db.exec(select(Device).where(Device.user_id == n.user_id)).all()
    return Message(
        id=str(n.id),
        kind=n.kind,
        user_id=str(n.user_id),
        title=n.title,
        body=n.body,
        data=dict(n.data),
        due_at=n.due_at.isoformat(),
        device_tokens=[{"platform": d.platform, "token": d.token} for d in devices],
    )


def dispatch_once(
    engine: Engine,
    *,
    sender: Sender,
    now: datetime,
    max_attempts: int,
    batch: int = 50,
    still_wanted: Callable[[Session, Notification], bool] | None = None,
) -> int:
    """Send what is due; return how many were sent."""
    with Session(engine, expire_on_commit=False) as db, db.begin():
        ids = claim(db, now=now, limit=batch)
    sent = 0
    for nid in ids:
        with Session(engine, expire_on_commit=False) as db, db.begin():
            n = db.get(Notification, nid)
            if n is None or n.status != NotificationStatus.pending:
                continue
            if still_wanted is not None and not still_wanted(db, n):
                n.status, n.lease_until, n.updated_at = NotificationStatus.cancelled, None, now
                db.add(n)
                continue
            message = _message(db, n)
        error = None
        try:
            sender.send(message)
        except SendError as exc:
            error = str(exc)[:500]
        with Session(engine, expire_on_commit=False) as db, db.begin():
            n = db.get(Notification, nid)
            if n is None:
                continue
            n.attempts += 1
            db.add(
                NotificationAttempt(
                    notification_id=nid,
                    attempt=n.attempts,
                    attempted_at=now,
                    ok=error is None,
                    error=error,
                )
            )
            n.lease_until, n.updated_at = None, now
            if error is None:
                n.status, n.sent_at = NotificationStatus.sent, now
                sent += 1
            elif n.attempts >= max_attempts:
                n.status, n.last_error = NotificationStatus.dead, error
            else:
                n.due_at, n.last_error = now + backoff(n.attempts), error
            db.add(n)
    return sent
