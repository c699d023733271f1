"""Devices and the in-app notification feed."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.core import examples as ex
from app.core.fields import NoNulStr


class DeviceCreate(BaseModel):
    model_config = ex.examples(
        {"platform": "ios", "token": "a1b2c3d4e5f60718293a4b5c6d7e8f90"}, extra="forbid"
    )

    platform: Literal["ios", "android"]
    token: Annotated[NoNulStr, Field(min_length=8, max_length=512, pattern=r"^[\x21-\x7e]+$")]


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
