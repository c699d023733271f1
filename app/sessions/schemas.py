"""Request and response models for ketamine sessions and windows."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from app.core import examples as ex
from app.core.fields import AwareUTC, NoNulStr
from app.core.patch import MergePatch
from app.sessions.models import Route
from app.sessions.window import WindowPhase

Dose = Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)]
Note = Annotated[NoNulStr, Field(max_length=2000)]


_WINDOW = {
    "opens_at": ex.SESSION_AT,
    "closes_at": "2026-12-01T09:00:00Z",
    "integration_starts_at": "2026-11-30T09:00:00Z",
    "integration_ends_at": "2026-12-01T09:00:00Z",
}

_ACUTE_ENDS = (
    "The end of the acute phase: the first hours after the dose (KAPJ_ACUTE_HOURS, or "
    "the clinic's hours for this route), when only grounding and gentle prompts are "
    "served. Equal to opens_at when the clinic has no acute phase."
)


class SessionCreate(BaseModel):
    model_config = ex.examples(
        {"administered_at": ex.SESSION_AT, "route": "im", "dose_mg": 52.5}, extra="forbid"
    )

    administered_at: AwareUTC
    route: Route
    dose_mg: Dose | None = None
    note: Note | None = None


class SessionUpdate(MergePatch):
    """Only the fields sent change; `dose_mg` and `note` may be cleared with null."""

    model_config = ex.examples({"dose_mg": 60.0, "note": None}, extra="forbid")

    administered_at: AwareUTC = Field(default=None)  # type: ignore[assignment]
    route: Route = Field(default=None)  # type: ignore[assignment]
    dose_mg: Dose | None = None
    note: Note | None = None


class WindowPublic(BaseModel):
    """The journaling window a session opens: from the session for KAPJ_WINDOW_HOURS
    (48), or until the patient's next session. The 48 h window is a working hypothesis
    from animal studies (in rodents ketamine grows new synaptic spines within hours,
    some lasting days) that clinics use to plan journaling and the integration
    session; it is not an established human finding."""

    model_config = ex.examples(_WINDOW)

    opens_at: datetime
    closes_at: datetime
    integration_starts_at: datetime
    integration_ends_at: datetime


class SessionCounts(BaseModel):
    model_config = ex.examples({"entries": 4, "unreviewed": 1, "flagged": 0})

    entries: int
    unreviewed: int
    flagged: int


class SessionPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.SESSION,
            "patient_id": ex.PATIENT,
            "administered_at": ex.SESSION_AT,
            "route": "im",
            "dose_mg": 52.5,
            "note": None,
            "recorded_by": ex.THERAPIST,
            "is_self_reported": False,
            "created_at": ex.SESSION_AT,
            "updated_at": ex.SESSION_AT,
            "window": _WINDOW,
            "counts": {"entries": 4, "unreviewed": 1, "flagged": 0},
        }
    )

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
    model_config = ex.examples(
        {"id": ex.OTHER, "scheduled_at": "2026-11-30T15:00:00Z", "within_recommended_range": True}
    )

    id: uuid.UUID
    scheduled_at: datetime
    within_recommended_range: bool


class OpenWindow(BaseModel):
    """The patient's window now; `{open: false}` when none is open, and every other
    field then is null. The 48 h window is a working hypothesis from animal studies
    that clinics use to plan, not an established human finding."""

    model_config = ex.examples(
        {
            "open": True,
            "session_id": ex.SESSION,
            "opens_at": ex.SESSION_AT,
            "closes_at": "2026-12-01T09:00:00Z",
            "phase": "integration",
            "hours_since_session": 25.5,
            "hours_left": 22.5,
            "integration_starts_at": "2026-11-30T09:00:00Z",
            "integration_ends_at": "2026-12-01T09:00:00Z",
            "acute_ends_at": "2026-11-29T11:00:00Z",
            "integration_session": {
                "id": ex.OTHER,
                "scheduled_at": "2026-11-30T15:00:00Z",
                "within_recommended_range": True,
            },
        },
        {"open": False},
    )

    open: bool
    session_id: uuid.UUID | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    phase: WindowPhase | None = Field(
        default=None,
        description="`acute` for the first hours after the dose (the start of the early "
        "phase), then `early`, then `integration`. `acute` is new in v1.2: a client that "
        "does not know it reads it as `early`; an unknown value must never fail decoding "
        "(docs/api.md).",
    )
    hours_since_session: float | None = None
    hours_left: float | None = None
    integration_starts_at: datetime | None = None
    integration_ends_at: datetime | None = None
    acute_ends_at: datetime | None = Field(default=None, description=_ACUTE_ENDS)
    integration_session: IntegrationSessionBrief | None = None
