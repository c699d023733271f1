"""Integration sessions, scheduled inside a ketamine session's window."""

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Uuid
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class IntegrationSession(SQLModel, table=True):
    __tablename__ = "integration_session"
    __table_args__ = (
        Index("ix_integration_session_patient_id_scheduled_at", "patient_id", "scheduled_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    session_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("ketamine_session.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    scheduled_at: datetime = Field(sa_type=UTCDateTime)
    scheduled_by: uuid.UUID = Field(foreign_key="user_account.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
