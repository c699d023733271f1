"""Putting notifications in the outbox and taking them back out."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.errors import NotFound
from app.core.i18n import translate
from app.core.pagination import cut_page, keyset
from app.notifications.models import Device, Notification, NotificationStatus


class DeviceNotFound(NotFound):
    code = "device_not_found"
    title = "No such device"


def enqueue(
    db: Session,
    *,
    user_id: uuid.UUID,
    kind: str,
    dedupe_key: str,
    due_at: datetime,
    title: str,
    body: str,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> Notification:
    """Schedule one notification; the same dedupe key reschedules a pending one.

    `title` and `body` are given in English (the catalogue's message ids) and
    stored in the recipient's language, looked up now (app/locale).
    """
    recipient = db.get(User, user_id)
    locale = recipient.locale if recipient is not None else None
    title, body = translate(locale, title), translate(locale, body)
    existing = db.exec(select(Notification).where(Notification.dedupe_key == dedupe_key)).first()
    if existing is not None:
        if existing.status in (NotificationStatus.pending, NotificationStatus.cancelled):
            existing.due_at = due_at
            existing.title, existing.body = title, body
            existing.data = data or {}
            existing.status = NotificationStatus.pending
            existing.updated_at = now
            db.add(existing)
            db.flush()
        return existing
    row = Notification(
        user_id=user_id,
        kind=kind,
        dedupe_key=dedupe_key,
        due_at=due_at,
        title=title,
        body=body,
        data=data or {},
        created_at=now,
        updated_at=now,
    )
    db.add(row)
    db.flush()
    return row


def cancel(db: Session, *, dedupe_keys: list[str], now: datetime) -> int:
    """Cancel pending notifications by dedupe key; sent ones stay as they are."""
    if not dedupe_keys:
        return 0
    result = db.execute(
        update(Notification)
        .where(
            col(Notification.dedupe_key).in_(dedupe_keys),
            col(Notification.status) == NotificationStatus.pending,
        )
        .values(status=NotificationStatus.cancelled, updated_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


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
