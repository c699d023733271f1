"""The outbox: how any domain asks for a notification, in its own transaction.

It imports no other domain, so every domain may write to it (tests/test_architecture.py);
the worker (app/notifications/dispatch.py) delivers what it holds.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.i18n import translate
from app.notifications.models import Notification, NotificationStatus


@dataclass(frozen=True)
class Notice:
    """What a notification says: its kind, and its title and body in English (the
    catalogue's message ids)."""

    kind: str
    title: str
    body: str


def tell(
    db: Session,
    notice: Notice,
    *,
    user_id: uuid.UUID,
    key: str,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> Notification:
    """A notice due now; `key` dedupes it as in enqueue()."""
    return enqueue(
        db,
        user_id=user_id,
        kind=notice.kind,
        dedupe_key=key,
        due_at=now,
        title=notice.title,
        body=notice.body,
        data=data,
        now=now,
    )


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
    known_new: bool = False,
) -> Notification:
    """Schedule one notification; the same dedupe key reschedules a pending one.

    `title` and `body` are given in English (the catalogue's message ids) and
    stored in the recipient's language, looked up now (app/locale). `known_new`:
    the key holds an id made in this transaction, so nothing can be under it yet;
    the row is neither looked for nor flushed here (the caller's flush writes it).
    """
    recipient = db.get(User, user_id)
    locale = recipient.locale if recipient is not None else None
    title, body = translate(locale, title), translate(locale, body)
    existing = None
    if not known_new:
        existing = db.exec(
            select(Notification).where(Notification.dedupe_key == dedupe_key)
        ).first()
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
    if not known_new:
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
