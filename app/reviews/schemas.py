"""Reviews as the care team sends and sees them."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool

from app.core import examples as ex
from app.core.fields import NoNulStr

ReviewVisibility = Literal["author", "care_team"]


class ReviewPut(BaseModel):
    model_config = ex.examples(
        {"note": "Bring up the warm-room image next time.", "discuss": True}, extra="forbid"
    )

    note: Annotated[NoNulStr, Field(max_length=5000)] | None = None
    discuss: StrictBool = False
    visibility: ReviewVisibility = Field(
        default="care_team",
        description="Who reads the note: its author alone, or the patient's care team",
    )


class ReviewPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.OTHER,
            "entry_id": ex.ENTRY,
            "therapist_id": ex.THERAPIST,
            "note": "Bring up the warm-room image next time.",
            "visibility": "care_team",
            "discuss": True,
            "reviewed_version": 1,
            "stale": False,
            "reviewed_at": "2026-11-30T12:00:00Z",
        }
    )

    id: uuid.UUID
    entry_id: uuid.UUID
    therapist_id: uuid.UUID
    note: str | None = Field(description="None when empty or kept for its author alone")
    visibility: ReviewVisibility
    discuss: bool
    reviewed_version: int
    stale: bool
    reviewed_at: datetime


class ReviewsCreate(BaseModel):
    """Entries to mark reviewed at once; notes and discussion marks already given stay."""

    model_config = ex.examples({"entry_ids": [ex.ENTRY]}, extra="forbid")

    entry_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)


class ReviewsDone(BaseModel):
    model_config = ex.examples({"reviewed": [ex.example_of(ReviewPublic)], "skipped": []})

    reviewed: list[ReviewPublic]
    skipped: list[uuid.UUID] = Field(
        description="Ids not marked: not this patient's shared entries (or unknown)"
    )
