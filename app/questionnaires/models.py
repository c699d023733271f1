"""Questionnaire answers, one-off assignments and per-patient schedule overrides."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Uuid,
    true,
)
from sqlmodel import Field, SQLModel

from app.core.sealed import SealedJSON
from app.core.types import UTCDateTime


class QuestionnaireResponse(SQLModel, table=True):
    __tablename__ = "questionnaire_response"
    __table_args__ = (
        Index(
            "ix_questionnaire_response_patient_id_code_answered_at",
            "patient_id",
            "code",
            "answered_at",
        ),
        Index("ix_questionnaire_response_patient_id_change_seq", "patient_id", "change_seq"),
        Index(
            "ix_questionnaire_response_patient_id_occurrence_key", "patient_id", "occurrence_key"
        ),
        Index(
            "ix_questionnaire_response_patient_id_client_id",
            "patient_id",
            "client_id",
            unique=True,
        ),
    )

    # The phone may choose it, for offline writing.
    id: uuid.UUID = Field(primary_key=True)
    # The phone's id when it was already another patient's: each patient has their
    # own id namespace, as for entries (the row then gets a fresh id).
    client_id: uuid.UUID | None = Field(default=None)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    code: str = Field(max_length=32)
    instrument_version: str = Field(max_length=120)
    # Item id -> chosen value, encrypted at rest (the column is answers_ciphertext);
    # free text is never here (see note_ciphertext). Score and band stay clear.
    answers: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(
            "answers_ciphertext",
            SealedJSON("questionnaire_response.answers"),
            nullable=False,
        ),
    )
    # after_effects' optional free text, AES-GCM bound to the response id.
    note_ciphertext: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    score: int | None = Field(default=None)
    severity: str = Field(max_length=32)
    answered_at: datetime = Field(sa_type=UTCDateTime)
    client_answered_at: datetime = Field(sa_type=UTCDateTime)
    answered_at_adjusted: bool = Field(default=False)
    # Which scheduled or assigned occurrence it answers, and whether after it expired.
    occurrence_key: str | None = Field(default=None, sa_column=Column(String(200)))
    reason: str | None = Field(default=None, max_length=32)
    is_late: bool = Field(default=False)
    # Whether the care team may see it: sharing was consented to and the patient in
    # treatment when it came in (the safety net's instruments always are).
    shared_with_care_team: bool = Field(
        default=True, sa_column=Column(Boolean, nullable=False, server_default=true())
    )
    # The patient's sync counter (changes.sequence), so phones get responses too.
    change_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    request_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)


class QuestionnaireAssignment(SQLModel, table=True):
    """A one-off request by the care team to answer an instrument."""

    __tablename__ = "questionnaire_assignment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    code: str = Field(max_length=32)
    due_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    assigned_by: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("user_account.id"), nullable=False)
    )
    created_at: datetime = Field(sa_type=UTCDateTime)


class QuestionnaireSchedule(SQLModel, table=True):
    """The care team's changes to the clinic's default schedule, per patient and code."""

    __tablename__ = "questionnaire_schedule"

    patient_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    code: str = Field(max_length=32, primary_key=True)
    # Only the keys the care team set; the rest come from the clinic defaults.
    overrides: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_by: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("user_account.id"), nullable=False)
    )
    updated_at: datetime = Field(sa_type=UTCDateTime)


class QuestionnaireMiss(SQLModel, table=True):
    """An occurrence that expired unanswered, written when the worker saw it expire.

    Kept when the schedule or the sessions it came from change later: what was asked
    and not answered stays on the record (a late answer is stored as `late` beside it).
    """

    __tablename__ = "questionnaire_miss"

    patient_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    occurrence_key: str = Field(sa_column=Column(String(200), primary_key=True))
    code: str = Field(max_length=32)
    reason: str = Field(max_length=32)
    session_id: uuid.UUID | None = Field(default=None)
    due_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class QuestionnaireStatus(SQLModel, table=True):
    """What the therapist's queue shows of a patient's questionnaires, kept per patient.

    Derived from the schedule (sessions, flags, assignments, overrides, episodes,
    answers); marked stale whenever one of those rows changes and derived again on
    the next read, or once `valid_until` passes (time alone moves an occurrence from due
    to missed). `tests/questionnaires/test_status_properties.py` checks it always
    equals the status derived from scratch.
    """

    __tablename__ = "questionnaire_status"

    patient_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    # Codes of the missed (overdue) occurrences in the lookback, sorted.
    overdue_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    phq9_score: int | None = Field(default=None)
    phq9_severity: str | None = Field(default=None, max_length=32)
    phq9_answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The status holds from computed_at until valid_until (the next instant it changes
    # with time alone), for the clinic settings named by rules_key.
    computed_at: datetime = Field(sa_type=UTCDateTime)
    valid_until: datetime = Field(sa_type=UTCDateTime)
    rules_key: str = Field(max_length=64)
    # Moved by every write that drops the row: a read derived before that write
    # commits must not store what it saw (its upsert asks for the generation it read).
    generation: int = Field(default=0)
