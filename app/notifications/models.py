"""The notification outbox: rows written with the change that causes them."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class NotificationStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    cancelled = "cancelled"
    dead = "dead"


class Notification(SQLModel, table=True):
    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_status_due_at", "status", "due_at"),
        Index("ix_notification_user_id_created_at", "user_id", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id")
    kind: str = Field(max_length=32)
    # One row per cause: scheduling the same reminder twice updates it instead.
    dedupe_key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    # Shown on lock screens, so never a health detail.
    title: str = Field(max_length=120)
    body: str = Field(max_length=500)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: NotificationStatus = Field(
        default=NotificationStatus.pending, sa_column=Column(String(16), nullable=False)
    )
    due_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Which claim holds the lease: a worker sends only rows it still holds.
    lease_token: uuid.UUID | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=500)


class NotificationAttempt(SQLModel, table=True):
    """One try at delivering a notification, kept for the record."""

    __tablename__ = "notification_attempt"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    notification_id: uuid.UUID = Field(foreign_key="notification.id", index=True)
    attempt: int
    attempted_at: datetime = Field(sa_type=UTCDateTime)
    ok: bool
    error: str | None = Field(default=None, max_length=500)


class Device(SQLModel, table=True):
    """A phone's push token; push senders deliver to these."""

    __tablename__ = "device"
    # One account at a time: a token registered by a second account moves there,
    # as a new row (the first binding's id stays private).
    __table_args__ = (UniqueConstraint("token", name="uq_device_token"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    platform: str = Field(max_length=16)
    token: str = Field(sa_column=Column(String(512), nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)


class NotificationDelivery(SQLModel, table=True):
    """What a push service answered for one device in one attempt.

    `device_id` is kept without a foreign key: a token the service rejects is
    dropped, and its deliveries stay on the record.
    """

    __tablename__ = "notification_delivery"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    notification_id: uuid.UUID = Field(foreign_key="notification.id", index=True)
    attempt: int
    device_id: uuid.UUID
    platform: str = Field(max_length=16)
    attempted_at: datetime = Field(sa_type=UTCDateTime)
    ok: bool
    # The service's HTTP status (none when it was not reached) and its reason word.
    status: int | None = Field(default=None)
    reason: str | None = Field(default=None, max_length=100)
    token_dropped: bool = Field(default=False)
