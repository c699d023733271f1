"""Devices and the in-app notification feed."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.core import examples as ex

# An APNs device token is hex (32 bytes today; Apple says the length may grow).
# An FCM registration token is URL-safe base64 with a colon, about 150-250 characters.
# One body per platform, so the schema states the token shape the server checks.
APNS_TOKEN = r"^(?:[0-9a-fA-F]{2}){32,100}$"  # noqa: S105  (a pattern)
FCM_TOKEN = r"^[A-Za-z0-9_:-]{100,512}$"  # noqa: S105  (a pattern)


class IosDeviceCreate(BaseModel):
    """An iPhone: its APNs device token, in hex."""

    model_config = ex.examples({"platform": "ios", "token": "a1" * 32}, extra="forbid")

    platform: Literal["ios"]
    token: Annotated[str, Field(min_length=64, max_length=200, pattern=APNS_TOKEN)]


class AndroidDeviceCreate(BaseModel):
    """An Android phone: its FCM registration token."""

    model_config = ex.examples(
        {"platform": "android", "token": "c" * 22 + ":" + "A" * 140}, extra="forbid"
    )

    platform: Literal["android"]
    token: Annotated[str, Field(min_length=100, max_length=512, pattern=FCM_TOKEN)]


DeviceCreate = Annotated[IosDeviceCreate | AndroidDeviceCreate, Field(discriminator="platform")]


class DevicePublic(BaseModel):
    model_config = ex.examples(
        {"id": ex.OTHER, "platform": "ios", "created_at": "2026-11-01T09:00:00Z"}
    )

    id: uuid.UUID
    platform: str
    created_at: datetime


class NotificationPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.OTHER,
            "kind": "window_open",
            "title": "Your journaling window is open",
            "body": "A prompt is waiting when you are ready.",
            "status": "sent",
            "due_at": ex.SESSION_AT,
            "sent_at": ex.SESSION_AT,
        }
    )

    id: uuid.UUID
    kind: str
    title: str
    body: str
    status: str
    due_at: datetime
    sent_at: datetime | None
    target_id: uuid.UUID | None = Field(
        default=None,
        description="What it is about, as in the push: a session, or a safety flag",
    )
    level: Literal["urgent", "review"] | None = Field(
        default=None, description="A safety notice's level; null for other kinds"
    )
