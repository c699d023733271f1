"""Request and response models for journal entries."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from app.core.fields import NoNulStr, OffsetTime
from app.questionnaires.schemas import QuestionnaireResponsePublic
from app.reviews.schemas import ReviewPublic
from app.safety.schemas import EntrySafety
from app.sessions.window import Phase

Body = Annotated[NoNulStr, Field(min_length=1, max_length=20_000)]
Mood = Annotated[StrictInt, Field(ge=0, le=10)]


class EntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID | None = Field(
        default=None, description="Chosen by the phone for offline writing"
    )
    body: Body
    written_at: OffsetTime
    mood: Mood | None = None
    prompt_id: uuid.UUID | None = None
    shared_with_care_team: StrictBool = True


class EntryUpdate(BaseModel):
    """Only the fields sent change; `mood: null` clears the mood."""

    model_config = ConfigDict(extra="forbid")

    body: Body = Field(default=None)  # type: ignore[assignment]
    mood: Mood | None = None
    shared_with_care_team: StrictBool = Field(default=None)  # type: ignore[assignment]


class EntryWindow(BaseModel):
    session_id: uuid.UUID
    phase: Phase
    hours_since_session: float


class EntryPublic(BaseModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    body: str
    written_at: datetime
    client_written_at: datetime
    written_at_adjusted: bool
    mood: int | None
    prompt_id: uuid.UUID | None
    shared_with_care_team: bool
    version: int
    created_at: datetime
    updated_at: datetime
    session_id: uuid.UUID | None
    phase: Phase | None
    hours_since_session: float | None
    window: EntryWindow | None
    deleted: Literal[False] = False
    reviews: list[ReviewPublic] | None = Field(
        default=None, description="Care-team views only; never shown to the patient"
    )
    safety: EntrySafety | None = Field(
        default=None, description="Only in the patient's answer to a write that raised a flag"
    )


class Tombstone(BaseModel):
    id: uuid.UUID
    deleted: Literal[True] = True
    deleted_at: datetime


class SyncPage(BaseModel):
    changes: list[EntryPublic | Tombstone]
    next_since: str
    has_more: bool
    questionnaire_responses: list[QuestionnaireResponsePublic] = Field(
        default_factory=list,
        description="Questionnaire answers written since the token (same sequence as entries)",
    )
