"""Request and response models for ketamine sessions and windows."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.core.fields import AwareUTC, NoNulStr
from app.sessions.models import Route
from app.sessions.window import Phase

Dose = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
Note = Annotated[NoNulStr, Field(max_length=2000)]


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    administered_at: AwareUTC
    route: Route
    dose_mg: Dose | None = None
    note: Note | None = None


class SessionUpdate(BaseModel):
    """Only the fields sent change; `dose_mg` and `note` may be cleared with null."""

    model_config = ConfigDict(extra="forbid")

    administered_at: AwareUTC = Field(default=None)  # type: ignore[assignment]
    route: Route = Field(default=None)  # type: ignore[assignment]
    dose_mg: Dose | None = None
    note: Note | None = None


class WindowPublic(BaseModel):
    opens_at: datetime
    closes_at: datetime
    integration_starts_at: datetime
    integration_ends_at: datetime


class SessionCounts(BaseModel):
    entries: int
    unreviewed: int
    flagged: int


class SessionPublic(BaseModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    administered_at: datetime
    route: Route
    dose_mg: float | None
    note: str | None
    recorded_by: uuid.UUID
    is_self_reported: bool
    created_at: datetime
    updated_at: datetime
    window: WindowPublic
    counts: SessionCounts | None = None


class IntegrationSessionBrief(BaseModel):
    id: uuid.UUID
    scheduled_at: datetime
    within_recommended_range: bool


class OpenWindow(BaseModel):
    """`{open: false}` when no window is open; every other field then is null."""

    open: bool
    session_id: uuid.UUID | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    phase: Phase | None = None
    hours_since_session: float | None = None
    hours_left: float | None = None
    integration_starts_at: datetime | None = None
    integration_ends_at: datetime | None = None
    integration_session: IntegrationSessionBrief | None = None
