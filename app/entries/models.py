"""Journal entries and their change counter (their idempotency keys: core.idempotency)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    Uuid,
    and_,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Field, SQLModel

from app.core.types import UTCDateTime


class JournalEntry(SQLModel, table=True):
    __tablename__ = "journal_entry"
    __table_args__ = (
        Index("ix_journal_entry_patient_id_written_at", "patient_id", "written_at", "id"),
        Index("ix_journal_entry_patient_id_change_seq", "patient_id", "change_seq", unique=True),
        Index("ix_journal_entry_session_id_written_at", "session_id", "written_at"),
        Index("ix_journal_entry_patient_id_client_id", "patient_id", "client_id", unique=True),
        CheckConstraint("mood IS NULL OR (mood >= 0 AND mood <= 10)", name="mood_range"),
    )

    id: uuid.UUID = Field(primary_key=True)
    patient_id: uuid.UUID = Field(foreign_key="user_account.id")
    # Each patient has their own id namespace: when the phone's id is already another
    # patient's entry, the row gets a fresh id and the patient's id is kept here, so
    # the answer is the same as for a new id (no oracle of other patients' ids).
    client_id: uuid.UUID | None = Field(default=None)
    # AES-GCM ciphertext bound to the entry id; NULL once the entry is deleted.
    body_ciphertext: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    written_at: datetime = Field(sa_type=UTCDateTime)
    client_written_at: datetime = Field(sa_type=UTCDateTime)
    utc_offset_minutes: int
    written_at_adjusted: bool = Field(default=False)
    mood: int | None = Field(default=None)
    prompt_id: uuid.UUID | None = Field(default=None, index=True)
    is_shared: bool = Field(default=True)
    version: int = Field(default=1)
    # Derived from the patient's sessions and kept current by attachment.reattach().
    session_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(Uuid, ForeignKey("ketamine_session.id", ondelete="SET NULL")),
    )
    change_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    request_hash: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """A new entry as just inserted: the row's values, read like an entry (as pages
    read Core rows), since building an ORM instance only to present it costs more
    than the insert."""

    id: uuid.UUID
    patient_id: uuid.UUID
    client_id: uuid.UUID | None
    body_ciphertext: bytes | None
    written_at: datetime
    client_written_at: datetime
    utc_offset_minutes: int
    written_at_adjusted: bool
    mood: int | None
    prompt_id: uuid.UUID | None
    is_shared: bool
    version: int
    session_id: uuid.UUID | None
    change_seq: int
    request_hash: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


# What presenting or screening an entry reads: a stored row or a new one's values.
EntryRecord = JournalEntry | StoredEntry


# The one definition of the entries a person can see, used by every query that
# means it (STYLE: one base condition per kind of row, not nine copies of it).
def live() -> ColumnElement[bool]:
    """SQL: the entry has not been deleted (a deleted one is only a tombstone)."""
    return JournalEntry.__table__.c.deleted_at.is_(None)  # type: ignore[attr-defined,no-any-return]


def shared() -> ColumnElement[bool]:
    """SQL: a live entry the patient shares with their care team."""
    return and_(live(), JournalEntry.__table__.c.is_shared.is_(True))  # type: ignore[attr-defined]


def is_visible_to_care_team(entry: "JournalEntry") -> bool:
    """The same rule as `shared()`, for an entry already loaded."""
    return entry.is_shared and entry.deleted_at is None
