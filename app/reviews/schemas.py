"""Reviews as the care team sends and sees them."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.core.fields import NoNulStr


class ReviewPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[NoNulStr, Field(max_length=5000)] | None = None
    discuss: StrictBool = False


class ReviewPublic(BaseModel):
    id: uuid.UUID
    entry_id: uuid.UUID
    therapist_id: uuid.UUID
    note: str | None
    discuss: bool
    reviewed_version: int
    stale: bool
    reviewed_at: datetime
