"""Integration sessions as the API sends and shows them."""

import uuid
from datetime import datetime

from pydantic import BaseModel

from app.core import examples as ex
from app.core.fields import AwareUTC


class IntegrationCreate(BaseModel):
    model_config = ex.examples(
        {"session_id": ex.SESSION, "scheduled_at": "2026-11-30T15:00:00Z"}, extra="forbid"
    )

    session_id: uuid.UUID
    scheduled_at: AwareUTC


class IntegrationMove(BaseModel):
    model_config = ex.examples({"scheduled_at": "2026-11-30T16:00:00Z"}, extra="forbid")

    scheduled_at: AwareUTC


class IntegrationPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.OTHER,
            "patient_id": ex.PATIENT,
            "session_id": ex.SESSION,
            "scheduled_at": "2026-11-30T15:00:00Z",
            "scheduled_by": ex.THERAPIST,
            "within_recommended_range": True,
            "recommended_from": "2026-11-30T09:00:00Z",
            "recommended_until": "2026-12-01T09:00:00Z",
            "created_at": ex.SESSION_AT,
            "updated_at": ex.SESSION_AT,
        }
    )

    id: uuid.UUID
    patient_id: uuid.UUID
    session_id: uuid.UUID
    scheduled_at: datetime
    scheduled_by: uuid.UUID
    within_recommended_range: bool
    recommended_from: datetime
    recommended_until: datetime
    created_at: datetime
    updated_at: datetime
