"""Integration sessions as the API sends and shows them."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.core.fields import AwareUTC


class IntegrationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_id: uuid.UUID
    scheduled_at: AwareUTC


class IntegrationMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheduled_at: AwareUTC


class IntegrationPublic(BaseModel):
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
