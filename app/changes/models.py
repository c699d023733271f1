"""The sync sequence's one row per patient."""

import uuid

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel


class PatientSyncState(SQLModel, table=True):
    """One row per patient; its row lock orders that patient's entry changes."""

    __tablename__ = "patient_sync_state"

    patient_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True)
    last_seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
