"""Consent documents (immutable versions per kind) and the patient's decisions."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class ConsentKind(StrEnum):
    app_terms = "app_terms"
    care_team_sharing = "care_team_sharing"
    research = "research"


class Decision(StrEnum):
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


class ConsentDocument(SQLModel, table=True):
    """One published version; never updated (a change is a new version)."""

    __tablename__ = "consent_document"
    __table_args__ = (Index("ix_consent_document_kind_version", "kind", "version", unique=True),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    kind: ConsentKind = Field(sa_column=Column(String(32), nullable=False))
    version: int
    # {"en": "...", "es": "..."}: the text each locale was shown.
    texts: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    published_at: datetime = Field(sa_type=UTCDateTime)
    published_by: uuid.UUID = Field(foreign_key="user_account.id")
    # Until then an acceptance of the previous version still counts.
    previous_valid_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ConsentDecision(SQLModel, table=True):
    """Every decision is kept: the latest per document is the one in force."""

    __tablename__ = "consent_decision"
    __table_args__ = (
        Index("ix_consent_decision_patient_id_number", "patient_id", "number", unique=True),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    # The patient's decisions in order (two can share a timestamp).
    number: int
    document_id: uuid.UUID = Field(foreign_key="consent_document.id")
    kind: ConsentKind = Field(sa_column=Column(String(32), nullable=False))
    version: int
    decision: Decision = Field(sa_column=Column(String(16), nullable=False))
    locale: str = Field(max_length=8)
    decided_at: datetime = Field(sa_type=UTCDateTime)
