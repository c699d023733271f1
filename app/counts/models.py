"""What the therapist's queue counts per patient, kept as the data changes."""

import uuid

from sqlalchemy import Column, Integer
from sqlmodel import Field, SQLModel


class PatientCounts(SQLModel, table=True):
    """One row per patient, updated in the transaction of the change that moves it.

    The queue reads one row per patient instead of counting history, so it costs
    the same at 10 k entries as at 1 M. `tests/therapist/test_counts_properties.py`
    checks that the kept counts always equal the counts computed from scratch.
    """

    __tablename__ = "patient_counts"

    patient_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    # Live shared entries with no review of their current version.
    unreviewed: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    # Safety flags nobody has acknowledged yet.
    open_flags: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
