"""A person's devices and their notification feed (what the outbox sends lives in outbox.py)."""

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.pagination import cut_page, keyset
from app.notifications.email import EMAIL_KINDS
from app.notifications.errors import DeviceNotFound, TokenRegistrationBusy
from app.notifications.models import Device, Notification, NotificationStatus
from app.notifications.payloads import target_of
from app.notifications.schemas import NotificationPublic


def register_device(
    db: Session, *, user_id: uuid.UUID, platform: str, token: str, now: datetime
) -> Device:
    """The caller's binding of this token; registering again returns it.

    A token belongs to one account at a time: the phone it names shows whatever is
    pushed to it, so once another account registers it (someone else signed in on
    that phone) the earlier account's notifications must stop going there. The
    binding moves as a new row; the earlier one is deleted, never answered.
    """
    for _ in range(3):  # a concurrent registration of the same token: look again
        device = db.exec(select(Device).where(Device.token == token)).first()
        if device is not None and device.user_id == user_id:
            device.platform = platform
            db.add(device)
            db.flush()
            return device
        mine = Device(user_id=user_id, platform=platform, token=token, created_at=now)
        try:
            with db.begin_nested():
                if device is not None:
                    db.delete(device)
                    db.flush()
                db.add(mine)
        except IntegrityError:
            if mine in db:
                db.expunge(mine)
            continue
        return mine
    raise TokenRegistrationBusy()


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


def notification_public(n: Notification) -> NotificationPublic:
    """The stored notification, with what it points at (a flag, a questionnaire...)."""
    target, level = target_of(n.kind, n.data or {})
    shown = {
        "target_id": uuid.UUID(target) if target else None,
        "level": "urgent" if level == "urgent" else "review" if level else None,
    }
    return NotificationPublic.model_validate(n.model_dump() | shown)
