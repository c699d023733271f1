"""Account closure and legal hold as the API shows them."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from app.core import examples as ex


class ClosureItem(BaseModel):
    model_config = ex.examples(
        {"what": "Private journal entries", "why": "You asked", "until": None}
    )

    what: str
    why: str
    until: str | None = Field(description="When it goes: a date, or a rule in words")


class ClosurePublic(BaseModel):
    model_config = ex.examples(
        {
            "requested_at": "2026-12-01T10:00:00Z",
            "erase_by": "2026-12-02T10:00:00Z",
            "erased": [ex.example_of(ClosureItem)],
            "retained": [
                {
                    "what": "Shared entries your care team reviewed",
                    "why": "The clinic must keep its treatment record",
                    "until": "7 years after your last clinical contact",
                }
            ],
        }
    )

    requested_at: datetime
    erase_by: datetime
    erased: list[ClosureItem]
    retained: list[ClosureItem]


class LegalHoldCreate(BaseModel):
    model_config = ex.examples({"reason": "Litigation hold, case 2026-114"}, extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class LegalHoldPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": "8d0e7c6b-1f2a-4b3c-9d4e-5f6a7b8c9d0e",
            "patient_id": ex.PATIENT,
            "reason": "Litigation hold, case 2026-114",
            "placed_at": "2026-12-01T10:00:00Z",
        }
    )

    id: uuid.UUID
    patient_id: uuid.UUID
    reason: str
    placed_at: datetime
