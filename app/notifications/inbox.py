"""A person's devices and their notification feed (what the outbox sends lives in outbox.py)."""

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.errors import NotFound
from app.core.pagination import cut_page, keyset
from app.notifications.email import EMAIL_KINDS
from app.notifications.models import Device, Notification, NotificationStatus


class DeviceNotFound(NotFound, code="device_not_found", title="No such device"): ...


def register_device(
    db: Session, *, user_id: uuid.UUID, platform: str, token: str, now: datetime
) -> Device:
    """The caller's binding of this token, made once; registering again returns it.

    A token already bound to another account stays bound to it as well: taking it
    away on a stranger's word would let anyone who learns a token cut a patient
    off from their reminders, and answering with that binding's id would leak it.
    The app drops its own binding when its account signs out.
    """
    device = db.exec(select(Device).where(Device.user_id == user_id, Device.token == token)).first()
    if device is not None:
        device.platform = platform
        db.add(device)
        db.flush()
        return device
    device = Device(user_id=user_id, platform=platform, token=token, created_at=now)
    try:
        with db.begin_nested():
            db.add(device)
    except IntegrityError:  # the same app registering twice at once: one row
        db.expunge(device)
        return db.exec(select(Device).where(Device.user_id == user_id, Device.token == token)).one()
    return device


def drop_device(db: Session, *, user_id: uuid.UUID, device_id: uuid.UUID) -> None:
    device = db.get(Device, device_id)
    if device is None or device.user_id != user_id:
        raise DeviceNotFound()
    db.delete(device)
    db.flush()


def feed(
    db: Session, *, user_id: uuid.UUID, now: datetime, limit: int, cursor: str | None
) -> tuple[list[Notification], str | None]:
    """Sent notifications and ones already due, newest first."""
    stmt = select(Notification).where(
        Notification.user_id == user_id,
        col(Notification.status).in_([NotificationStatus.sent, NotificationStatus.pending]),
        col(Notification.due_at) <= now,
        col(Notification.kind).not_in(EMAIL_KINDS),
    )
    stmt = keyset(stmt, col(Notification.due_at), col(Notification.id), cursor, descending=True)
    rows = list(db.exec(stmt.limit(limit + 1)).all())
    return cut_page(rows, limit, lambda n: (n.due_at, n.id))
