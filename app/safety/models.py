"""Safety flags: raised by the text screen or by a questionnaire answer."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class SafetyFlag(SQLModel, table=True):
    __tablename__ = "safety_flag"
    __table_args__ = (
        Index("ix_safety_flag_patient_id_raised_at", "patient_id", "raised_at"),
        Index("ix_safety_flag_followup_planned_at", "followup_planned_at"),
    )

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
    # urgent: page now, escalate if nobody acknowledges; review: the care team's
    # queue, without urgency. `is_urgent` is kept equal to `level == "urgent"`.
    level: str = Field(default="review", max_length=8)
    is_urgent: bool = False
    raised_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    # How the flag was closed: one of the outcomes in schemas.FlagOutcome, and an
    # optional note by whoever acknowledged it, encrypted like journal text.
    outcome: str | None = Field(default=None, max_length=32)
    note_ciphertext: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    # Who was told when it was raised: care_team | on_call | nobody. The patient's
    # message says exactly this, never more.
    alerted: str = Field(default="care_team", max_length=16)
    # When the worker put this flag's C-SSRS reminder on the patient's schedule; None
    # until then. The screener itself is due at once (derived from the flag); only
    # its push is planned after the write, off the patient's request.
    followup_planned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SafetyPlan(SQLModel, table=True):
    """A patient's Stanley-Brown safety plan: one ciphertext of the whole JSON."""

    __tablename__ = "safety_plan"

    patient_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    version: int = Field(default=1)
    # AES-GCM ciphertext of the plan's JSON, bound to the patient id.
    body_ciphertext: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    # A number from the patient's sync sequence (changes.sequence), so sync sees it.
    change_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by: uuid.UUID = Field(foreign_key="user_account.id")
    updated_by_role: str = Field(max_length=16)


class SafetyPlanVersion(SQLModel, table=True):
    """Who changed the plan, when, and which fields; no text (the plan holds that)."""

    __tablename__ = "safety_plan_version"
    __table_args__ = (
        Index("ix_safety_plan_version_patient_id_version", "patient_id", "version", unique=True),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    version: int
    author_id: uuid.UUID = Field(foreign_key="user_account.id")
    author_role: str = Field(max_length=16)
    changed_fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    changed_at: datetime = Field(sa_type=UTCDateTime)
