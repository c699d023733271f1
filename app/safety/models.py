"""Safety flags: raised by the text screen or by a questionnaire answer."""

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class SafetyFlag(SQLModel, table=True):
    __tablename__ = "safety_flag"
    __table_args__ = (Index("ix_safety_flag_patient_id_raised_at", "patient_id", "raised_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # The entry that raised it; None when a questionnaire answer did (`response_id`).
    entry_id: uuid.UUID | None = Field(default=None, foreign_key="journal_entry.id", index=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    source: str = Field(default="entry", max_length=20)  # entry | questionnaire
    response_id: uuid.UUID | None = Field(default=None, index=True)
    # Why, never what: the category and the rule that fired, so the clinic can see
    # which rules cry wolf. No phrase or text is stored here.
    category: str | None = Field(default=None, max_length=40)
    rule: str | None = Field(default=None, max_length=80)
    is_urgent: bool = False
    raised_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
