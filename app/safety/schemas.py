"""Safety notices, crisis resources and flags as the API shows them."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.core import examples as ex

_RESOURCE = {"label": "988 Suicide & Crisis Lifeline (US)", "contact": "Call or text 988"}


class CrisisResource(BaseModel):
    model_config = ex.examples(_RESOURCE)

    label: str
    contact: str


class SafetyInfo(BaseModel):
    """What the app shows wherever the patient writes."""

    model_config = ex.examples(
        {
            "notice": "Journal entries are not monitored in real time. If you are in "
            "danger, call your local emergency number.",
            "crisis_resources": [_RESOURCE],
            "screening": "Entries are screened for a short list of risk phrases; this is "
            "a screen, not a diagnosis.",
        }
    )

    notice: str
    crisis_resources: list[CrisisResource]
    screening: str


class EntrySafety(BaseModel):
    """Added to the patient's own response when an entry raised a flag."""

    model_config = ex.examples(
        {
            "flagged": True,
            "flag_id": ex.OTHER,
            "message": "It sounds like things are hard right now. Your care team has been told.",
            "care_team_sees": "entry",
            "crisis_resources": [_RESOURCE],
        },
        json_schema_serialization_defaults_required=True,
    )

    flagged: bool = Field(default=True, description="Always true: present only with a flag")
    flag_id: uuid.UUID
    message: str
    care_team_sees: Literal["entry", "flag_only"]
    crisis_resources: list[CrisisResource]


class SafetyFlagPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.OTHER,
            "patient_id": ex.PATIENT,
            "entry_id": ex.ENTRY,
            "raised_at": ex.WRITTEN_AT,
            "acknowledged_at": "2026-11-30T11:00:00Z",
            "acknowledged_by": ex.THERAPIST,
        }
    )

    id: uuid.UUID
    patient_id: uuid.UUID
    entry_id: uuid.UUID | None
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: uuid.UUID | None


class OpenFlag(BaseModel):
    """An unacknowledged flag as the care team's queue shows it."""

    model_config = ex.examples(
        {
            "id": ex.OTHER,
            "raised_at": ex.WRITTEN_AT,
            "session_id": ex.SESSION,
            "entry_id": None,
            "on_private_entry": True,
        }
    )

    id: uuid.UUID
    raised_at: datetime
    session_id: uuid.UUID | None
    entry_id: uuid.UUID | None
    on_private_entry: bool
