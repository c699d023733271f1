"""Safety notices, crisis resources and flags as the API shows them."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class CrisisResource(BaseModel):
    label: str
    contact: str
    channel: Literal["call", "text", "chat", "emergency"] | None = Field(
        default=None, description="How to reach it: call, text, chat or emergency."
    )
    url: str | None = Field(default=None, description="What a tap opens: tel:, sms: or https:.")


class SafetyInfo(BaseModel):
    """What the app shows wherever the patient writes."""

    notice: str
    crisis_resources: list[CrisisResource]
    screening: str


class EntrySafety(BaseModel):
    """Added to the patient's own response when an entry raised a flag."""

    flagged: Literal[True] = True
    flag_id: uuid.UUID
    message: str
    care_team_sees: Literal["entry", "flag_only"]
    crisis_resources: list[CrisisResource]


class SafetyFlagPublic(BaseModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    entry_id: uuid.UUID | None
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: uuid.UUID | None


class OpenFlag(BaseModel):
    """An unacknowledged flag as the care team's queue shows it."""

    id: uuid.UUID
    raised_at: datetime
    session_id: uuid.UUID | None
    entry_id: uuid.UUID | None
    on_private_entry: bool
