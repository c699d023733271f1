"""A patient's request to close their account, and legal holds that stop purges."""

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class AccountClosure(SQLModel, table=True):
    __tablename__ = "account_closure"

    patient_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    requested_at: datetime = Field(sa_type=UTCDateTime)
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The record is purged KAPJ_RETENTION_YEARS after the last clinical contact.
    last_clinical_contact_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LegalHold(SQLModel, table=True):
    __tablename__ = "legal_hold"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    reason: str = Field(max_length=500)
    placed_by: uuid.UUID = Field(foreign_key="user_account.id")
    placed_at: datetime = Field(sa_type=UTCDateTime)
    lifted_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    lifted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
