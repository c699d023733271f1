"""Safety flags raised by the risk-phrase screen."""

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class SafetyFlag(SQLModel, table=True):
    __tablename__ = "safety_flag"
    __table_args__ = (Index("ix_safety_flag_patient_id_raised_at", "patient_id", "raised_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    entry_id: uuid.UUID = Field(foreign_key="journal_entry.id", index=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    # No phrase or text is stored here: the flag says that, never what.
    raised_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
