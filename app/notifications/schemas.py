"""Devices and the in-app notification feed."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.fields import NoNulStr


class DeviceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: Literal["ios", "android"]
    token: Annotated[NoNulStr, Field(min_length=8, max_length=512, pattern=r"^[\x21-\x7e]+$")]


class DevicePublic(BaseModel):
    id: uuid.UUID
    platform: str
    created_at: datetime


class NotificationPublic(BaseModel):
    id: uuid.UUID
    kind: str
    title: str
    body: str
    status: str
    due_at: datetime
    sent_at: datetime | None
