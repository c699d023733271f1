"""A therapist's review of an entry, with a private note."""

import uuid
from datetime import datetime

from sqlalchemy import Column, LargeBinary, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class EntryReview(SQLModel, table=True):
    __tablename__ = "entry_review"
    __table_args__ = (UniqueConstraint("entry_id", "therapist_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    entry_id: uuid.UUID = Field(foreign_key="journal_entry.id", index=True)
    therapist_id: uuid.UUID = Field(foreign_key="user_account.id")
    # A psychotherapy note: encrypted like journal text, never shown to the patient.
    note_ciphertext: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    discuss: bool = Field(default=False)
    # "author": the note is for its author alone (psychotherapy notes often are);
    # "care_team": the patient's other therapists read it too.
    visibility: str = Field(
        default="care_team",
        sa_column=Column(String(16), nullable=False, server_default="care_team"),
    )
    # The entry version reviewed; a later edit makes the review stale.
    entry_version: int
    reviewed_at: datetime = Field(sa_type=UTCDateTime)
