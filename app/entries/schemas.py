"""Request and response models for journal entries."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt

from app.core import examples as ex
from app.core.fields import NoNulStr, WholeNumber, WrittenAt
from app.core.patch import MergePatch
from app.questionnaires.schemas import QuestionnaireResponsePublic
from app.reviews.schemas import ReviewPublic
from app.safety.schemas import EntrySafety, SafetyPlanPublic
from app.sessions.window import Phase

Body = Annotated[NoNulStr, Field(min_length=1, max_length=20_000)]


Mood = Annotated[StrictInt, Field(ge=0, le=10), WholeNumber]
# The sync token's alphabet (base64url); see app/core/pagination.py.
SyncToken = Annotated[
    str,
    Field(
        max_length=200,
        pattern=r"^[A-Za-z0-9_-]+={0,2}$",
        description="Opaque: the `next_since` of the previous sync",
    ),
]


class EntryCreate(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.ENTRY,
            "body": "The music felt like a warm room.",
            "written_at": "2026-11-30T11:30:00+01:00",
            "mood": 6,
            "shared_with_care_team": True,
        },
        extra="forbid",
    )

    id: uuid.UUID | None = Field(
        default=None, description="Chosen by the phone for offline writing"
    )
    body: Body
    written_at: WrittenAt
    mood: Mood | None = None
    prompt_id: uuid.UUID | None = None
    shared_with_care_team: StrictBool = True


class EntryUpdate(MergePatch):
    """JSON Merge Patch: only the members sent change; `mood: null` clears the mood;
    `body: null` and `shared_with_care_team: null` leave them as they are."""

    model_config = ex.examples({"mood": 7, "shared_with_care_team": False}, extra="forbid")

    body: Body = Field(default=None)  # type: ignore[assignment]
    mood: Mood | None = None
    shared_with_care_team: StrictBool = Field(default=None)  # type: ignore[assignment]


class EntryWindow(BaseModel):
    model_config = ex.examples(
        {"session_id": ex.SESSION, "phase": "early", "hours_since_session": 25.5}
    )

    session_id: uuid.UUID
    phase: Phase
    hours_since_session: float


class EntryPublic(BaseModel):
    model_config = ex.examples(
        {
            "kind": "entry",
            "id": ex.ENTRY,
            "patient_id": ex.PATIENT,
            "body": "The music felt like a warm room.",
            "written_at": ex.WRITTEN_AT,
            "client_written_at": ex.WRITTEN_AT,
            "written_at_adjusted": False,
            "mood": 6,
            "prompt_id": None,
            "shared_with_care_team": True,
            "version": 1,
            "created_at": ex.WRITTEN_AT,
            "updated_at": ex.WRITTEN_AT,
            "session_id": ex.SESSION,
            "phase": "integration",
            "hours_since_session": 25.5,
            "window": {
                "session_id": ex.SESSION,
                "phase": "integration",
                "hours_since_session": 25.5,
            },
            "deleted": False,
            "reviews": None,
            "flag_level": None,
            "safety": None,
        }
    )

    kind: Literal["entry"] = Field(description="Tells an entry from a tombstone")
    id: uuid.UUID
    patient_id: uuid.UUID
    body: str
    written_at: datetime = Field(
        description="When it was written; the server's time of receipt when the phone's "
        "clock was more than 5 minutes ahead or before 2000"
    )
    client_written_at: datetime = Field(description="The time the phone sent, in UTC")
    written_at_adjusted: bool = Field(description="Whether written_at was clamped")
    mood: int | None = Field(ge=0, le=10)
    prompt_id: uuid.UUID | None
    shared_with_care_team: bool
    version: int = Field(description="The content version; the ETag is its quoted `v` form")
    created_at: datetime
    updated_at: datetime
    session_id: uuid.UUID | None
    phase: Phase | None
    hours_since_session: float | None
    window: EntryWindow | None
    deleted: bool = Field(
        description="Always false on an entry; kept for older apps, use `kind`", deprecated=True
    )
    reviews: list[ReviewPublic] | None = Field(
        default=None, description="Care-team views only; never shown to the patient"
    )
    flag_level: Literal["urgent", "review"] | None = Field(
        default=None,
        description="Care-team views only: the most urgent safety flag raised on this entry "
        "(urgent or review, open or acknowledged), or null when none was",
    )
    safety: EntrySafety | None = Field(
        default=None, description="Only in the patient's answer to a write that raised a flag"
    )


class Tombstone(BaseModel):
    """A deleted entry, as sync shows it."""

    model_config = ex.examples(
        {
            "kind": "tombstone",
            "id": ex.OTHER,
            "deleted": True,
            "deleted_at": "2026-11-30T12:00:00Z",
        }
    )

    kind: Literal["tombstone"] = Field(description="Tells a tombstone from an entry")
    id: uuid.UUID
    deleted: bool = Field(
        description="Always true on a tombstone; kept for older apps, use `kind`", deprecated=True
    )
    deleted_at: datetime


Change = Annotated[EntryPublic | Tombstone, Field(discriminator="kind")]


class ChangeEnvelope(BaseModel):
    """One change without polymorphism, for generators that cannot read `oneOf`
    (kotlinx): `kind` says which of `entry` and `tombstone` is set."""

    model_config = ex.examples(
        {"kind": "tombstone", "entry": None, "tombstone": ex.example_of(Tombstone)}
    )

    kind: Literal["entry", "tombstone"]
    entry: EntryPublic | None = Field(default=None, description="Set when kind is entry")
    tombstone: Tombstone | None = Field(default=None, description="Set when kind is tombstone")


class SyncPage(BaseModel):
    model_config = ex.examples(
        {
            "changes": [ex.example_of(EntryPublic), ex.example_of(Tombstone)],
            "next_since": "WzQyXQ",
            "has_more": False,
        }
    )

    changes: list[Change] = Field(description="In change order; `kind` tells the two apart")
    next_since: SyncToken = Field(description="Pass as `since` on the next sync")
    has_more: bool = Field(description="Whether another call would return more now")
    safety_plan: SafetyPlanPublic | None = Field(
        default=None, description="The safety plan, when it changed after `since`"
    )
    questionnaire_responses: list[QuestionnaireResponsePublic] = Field(
        default_factory=list,
        description="Questionnaire answers written since the token (same sequence as entries)",
    )
    envelopes: list[ChangeEnvelope] | None = Field(
        default=None,
        description="With `shape=envelope`: the changes as envelopes, and `changes` empty",
    )
