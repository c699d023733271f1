"""Prompts (the library and custom ones), assignments and what `next` served."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, String, Text
from sqlmodel import Field, SQLModel

from app.core.sealed import SealedText
from app.core.types import UTCDateTime


class Technique(StrEnum):
    capture = "capture"
    perception_shift = "perception_shift"
    mindfulness = "mindfulness"
    guided_imagery = "guided_imagery"
    cognitive_restructuring = "cognitive_restructuring"
    values_action = "values_action"


class PromptPhase(StrEnum):
    acute = "acute"
    early = "early"
    integration = "integration"
    between_windows = "between_windows"


class Prompt(SQLModel, table=True):
    __tablename__ = "prompt"

    id: uuid.UUID = Field(primary_key=True)
    # Library prompts have a slug; custom ones belong to one patient.
    slug: str | None = Field(default=None, sa_column=Column(String(80), unique=True))
    patient_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id", index=True)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    technique: Technique = Field(sa_column=Column(String(32), nullable=False))
    phases: list[str] = Field(sa_column=Column(JSON, nullable=False))
    # Library prompts only; a custom prompt's title and text are written by a
    # therapist for one patient and kept encrypted in `custom` instead.
    title: str = Field(max_length=120)
    text: str = Field(sa_column=Column(Text, nullable=False))
    custom_sealed: str | None = Field(
        default=None,
        sa_column=Column("custom_ciphertext", SealedText("prompt.custom"), nullable=True),
    )
    minutes: int
    locale: str = Field(default="en", max_length=16)
    # Reworded prompts keep their old row (entries answered it) but are never served.
    is_retired: bool = Field(default=False)
    # Looks ahead to the integration session: not served once it has taken place.
    is_look_ahead: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class PromptAssignment(SQLModel, table=True):
    __tablename__ = "prompt_assignment"
    __table_args__ = (
        Index("ix_prompt_assignment_patient_id_assigned_at", "patient_id", "assigned_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    prompt_id: uuid.UUID = Field(foreign_key="prompt.id")
    assigned_by: uuid.UUID = Field(foreign_key="user_account.id")
    assigned_at: datetime = Field(sa_type=UTCDateTime)


class PromptServing(SQLModel, table=True):
    __tablename__ = "prompt_serving"
    __table_args__ = (Index("ix_prompt_serving_patient_id_served_at", "patient_id", "served_at"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    prompt_id: uuid.UUID = Field(foreign_key="prompt.id")
    session_id: uuid.UUID | None = Field(default=None)
    served_at: datetime = Field(sa_type=UTCDateTime)
