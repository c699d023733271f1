"""Episodes of care as the API shows them."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from app.core import examples as ex

_EPISODE = {
    "id": "3c2f6a10-8b1e-4a8e-a6b5-2b6c8d1f0e21",
    "started_at": "2026-09-01T09:00:00Z",
    "ended_at": "2026-11-30T17:00:00Z",
    "reason": "Treatment course completed",
}


class DischargeCreate(BaseModel):
    model_config = ex.examples({"reason": "Treatment course completed"}, extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class EpisodePublic(BaseModel):
    model_config = ex.examples(_EPISODE)

    id: uuid.UUID
    started_at: datetime
    ended_at: datetime | None = Field(description="None while in treatment")
    reason: str | None = Field(description="The discharge reason (care team only)")
