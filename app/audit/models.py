"""The append-only audit trail of reads and changes of patient data."""

import uuid
from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_patient_id_occurred_at", "patient_id", "occurred_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    actor_role: str = Field(max_length=16)
    action: str = Field(max_length=64)
    patient_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    resource_type: str = Field(max_length=32)
    resource_id: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=64)
