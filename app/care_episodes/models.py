"""Episodes of care: from admission to discharge. A patient with none is in treatment."""

import uuid
from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class CareEpisode(SQLModel, table=True):
    __tablename__ = "care_episode"
    __table_args__ = (Index("ix_care_episode_patient_id_started_at", "patient_id", "started_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    # The discharge reason is clinical text: encrypted like a note.
    reason_ciphertext: bytes | None = Field(
        default=None, sa_column=Column(LargeBinary, nullable=True)
    )
