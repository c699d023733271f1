"""Devices and the in-app notification feed."""

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from app.core import examples as ex
from app.core.fields import NoNulStr

# An APNs device token is hex (32 bytes today; Apple says the length may grow).
# An FCM registration token is URL-safe base64 with a colon, about 150-250 characters.
TOKEN_SHAPES = {
    "ios": re.compile(r"(?:[0-9a-fA-F]{2}){32,100}"),
    "android": re.compile(r"[A-Za-z0-9_:-]{100,512}"),
}


class DeviceCreate(BaseModel):
    model_config = ex.examples({"platform": "ios", "token": "a1" * 32}, extra="forbid")

    platform: Literal["ios", "android"]
    token: Annotated[NoNulStr, Field(min_length=8, max_length=512, pattern=r"^[\x21-\x7e]+$")]

    @field_validator("token")
    @classmethod
    def _token_fits_platform(cls, token: str, info: ValidationInfo) -> str:
        platform = info.data.get("platform")  # absent when the platform itself was refused
        if platform in TOKEN_SHAPES and not TOKEN_SHAPES[platform].fullmatch(token):
            kind = "an APNs device token (hex)" if platform == "ios" else "an FCM token"
            raise ValueError(f"not {kind}")
        return token


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
