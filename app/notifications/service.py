"""Putting notifications in the outbox and taking them back out."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, select

from app.core.errors import NotFound
from app.core.pagination import cut_page, keyset
from app.notifications.models import Device, Notification, NotificationStatus
from app.notifications.outbox import cancel as cancel
from app.notifications.outbox import enqueue as enqueue


class DeviceNotFound(NotFound):
    code = "device_not_found"
    title = "No such device"


def register_device(
    db: Session, *, user_id: uuid.UUID, platform: str, token: str, now: datetime
) -> Device:
    """One row per token; registering it again moves it to the caller."""
    device = db.exec(select(Device).where(Device.token == token)).first()
    if device is None:
        device = Device(user_id=user_id, platform=platform, token=token, created_at=now)
    else:
        device.user_id, device.platform = user_id, platform
    db.add(device)
    db.flush()
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
    )
    stmt = keyset(stmt, col(Notification.due_at), col(Notification.id), cursor, descending=True)
    rows = list(db.exec(stmt.limit(limit + 1)).all())
    return cut_page(rows, limit, lambda n: (n.due_at, n.id))
