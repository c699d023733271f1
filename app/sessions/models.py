"""Ketamine sessions; each one opens a plasticity window."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.core.sealed import SealedFloat, SealedText
from app.core.types import UTCDateTime


class Route(StrEnum):
    iv = "iv"
    im = "im"
    sublingual = "sublingual"
    intranasal = "intranasal"
    oral = "oral"


class KetamineSession(SQLModel, table=True):
    __tablename__ = "ketamine_session"
    # Two sessions at one instant would leave a window of zero length.
    __table_args__ = (UniqueConstraint("patient_id", "administered_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    administered_at: datetime = Field(sa_type=UTCDateTime)
    route: Route = Field(sa_column=Column(String(16), nullable=False))
    # Encrypted at rest (the column is dose_mg_ciphertext).
    dose_mg: float | None = Field(
        default=None,
        sa_column=Column(
            "dose_mg_ciphertext", SealedFloat("ketamine_session.dose_mg"), nullable=True
        ),
    )
    # Clinical free text: encrypted at rest (the column is note_ciphertext).
    note: str | None = Field(
        default=None,
        sa_column=Column("note_ciphertext", SealedText("ketamine_session.note"), nullable=True),
    )
    recorded_by: uuid.UUID = Field(foreign_key="user_account.id")
    is_self_reported: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
