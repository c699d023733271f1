"""Delivering due notifications: claim with a lease, send, record the attempt.

On PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so several workers
never take the same row; SQLite has one writer at a time (BEGIN IMMEDIATE),
which gives the same guarantee. The lease brings back the rows of a worker that
died mid-send. Each claim carries a token, and a row is sent only while its
lease is still this claim's and has SEND_MARGIN left, so a slow batch can never
run past its lease into a second worker's claim.
"""

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.notifications.models import (
    Device,
    Notification,
    NotificationAttempt,
    NotificationDelivery,
    NotificationStatus,
)
from app.notifications.senders import DeviceResult, Message, Sender, SendError

LEASE = timedelta(minutes=2)
# Longer than any sender's timeout (the webhook's is at most 30 s, see config).
SEND_MARGIN = timedelta(seconds=45)

StillWanted = Callable[[Session, Notification], bool]


@dataclass(frozen=True)
class Claim:
    token: uuid.UUID
    ids: list[uuid.UUID]
    lease_until: datetime


def claim(db: Session, *, now: datetime, limit: int, lease: timedelta = LEASE) -> Claim:
    """Lease up to `limit` due rows to a new claim token."""
    token, lease_until = uuid.uuid4(), now + lease
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
            .values(lease_until=lease_until, lease_token=token)
        )
    return Claim(token=token, ids=ids, lease_until=lease_until)


def backoff(attempt: int, retry_after: float | None = None) -> timedelta:
    """Exponential, at most an hour, and never sooner than the service asked."""
    wait = min(3600, 30 * 2 ** (attempt - 1))
    if retry_after is not None:
        wait = max(wait, min(3600, retry_after))
    return timedelta(seconds=wait)


def _message(db: Session, n: Notification) -> Message:
    # A retry goes only to the devices no earlier attempt reached.
    reached = set(
        db.exec(
            select(NotificationDelivery.device_id).where(
                NotificationDelivery.notification_id == n.id,
                col(NotificationDelivery.ok).is_(True),
            )
        ).all()
    )
    devices = [
        d
        for d in db.exec(
            select(Device).where(Device.user_id == n.user_id).order_by(col(Device.created_at))
        ).all()
        if d.id not in reached
    ]
    return Message(
        id=str(n.id),
        kind=n.kind,
        user_id=str(n.user_id),
        title=n.title,
        body=n.body,
        data=dict(n.data),
        due_at=n.due_at.isoformat(),
        device_tokens=[
            {"id": str(d.id), "platform": d.platform, "token": d.token} for d in devices
        ],
        devices_reached=len(reached),
    )


def _release(engine: Engine, taken: Claim, ids: list[uuid.UUID]) -> None:
    """Hand back rows this claim will not get to, for the next pass."""
    with Session(engine) as db, db.begin():
        db.execute(
            update(Notification)
            .where(col(Notification.id).in_(ids), col(Notification.lease_token) == taken.token)
            .values(lease_until=None, lease_token=None)
        )


def _take(
    engine: Engine, taken: Claim, nid: uuid.UUID, now: datetime, still_wanted: StillWanted | None
) -> Message | None:
    """The message to send, if the row is still pending, still wanted and still ours."""
    with Session(engine, expire_on_commit=False) as db, db.begin():
        n = db.get(Notification, nid, with_for_update=True)
        if n is None or n.status != NotificationStatus.pending or n.lease_token != taken.token:
            return None
        if still_wanted is not None and not still_wanted(db, n):
            n.status, n.updated_at = NotificationStatus.cancelled, now
            n.lease_until = n.lease_token = None
            db.add(n)
            return None
        return _message(db, n)


def _record_devices(
    db: Session, nid: uuid.UUID, attempt: int, results: Sequence[DeviceResult], now: datetime
) -> None:
    """One row per device the service answered for; rejected tokens are forgotten."""
    for r in results:
        device_id = uuid.UUID(r.device_id)
        db.add(
            NotificationDelivery(
                notification_id=nid,
                attempt=attempt,
                device_id=device_id,
                platform=r.platform,
                attempted_at=now,
                ok=r.ok,
                status=r.status,
                reason=r.reason[:100] if r.reason else None,
                token_dropped=r.drop,
            )
        )
        if r.drop:
            db.execute(delete(Device).where(col(Device.id) == device_id))


def _record(
    engine: Engine,
    nid: uuid.UUID,
    *,
    error: str | None,
    now: datetime,
    max_attempts: int,
    results: Sequence[DeviceResult] = (),
    retry_after: float | None = None,
) -> None:
    with Session(engine, expire_on_commit=False) as db, db.begin():
        n = db.get(Notification, nid, with_for_update=True)
        if n is None:
            return
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
        _record_devices(db, nid, n.attempts, results, now)
        n.lease_until, n.lease_token, n.updated_at = None, None, now
        if error is None:
            n.status, n.sent_at = NotificationStatus.sent, now
        elif n.attempts >= max_attempts:
            n.status, n.last_error = NotificationStatus.dead, error
        else:
            n.due_at, n.last_error = now + backoff(n.attempts, retry_after), error
        db.add(n)


def deliver(
    engine: Engine,
    taken: Claim,
    *,
    sender: Sender,
    now: datetime,
    max_attempts: int,
    still_wanted: StillWanted | None = None,
) -> int:
    """Send the claimed rows one by one; return how many were sent.

    `now` is the time at the start; the time spent sending is added to it, so a
    batch stops (and hands its rest back) before its lease could run out.
    """
    started = time.monotonic()
    sent = 0
    for i, nid in enumerate(taken.ids):
        current = now + timedelta(seconds=time.monotonic() - started)
        if current + SEND_MARGIN > taken.lease_until:
            _release(engine, taken, taken.ids[i:])
            break
        message = _take(engine, taken, nid, current, still_wanted)
        if message is None:
            continue
        error, retry_after = None, None
        results: tuple[DeviceResult, ...] = ()
        try:
            results = tuple(sender.send(message) or ())
        except SendError as exc:
            error, retry_after, results = str(exc)[:500], exc.retry_after, exc.results
        _record(
            engine,
            nid,
            error=error,
            now=current,
            max_attempts=max_attempts,
            results=results,
            retry_after=retry_after,
        )
        sent += error is None
    return sent


def dispatch_once(
    engine: Engine,
    *,
    sender: Sender,
    now: datetime,
    max_attempts: int,
    batch: int = 50,
    still_wanted: StillWanted | None = None,
) -> int:
    """Claim what is due, send it; return how many were sent."""
    with Session(engine, expire_on_commit=False) as db, db.begin():
        taken = claim(db, now=now, limit=batch)
    return deliver(
        engine, taken, sender=sender, now=now, max_attempts=max_attempts, still_wanted=still_wanted
    )
