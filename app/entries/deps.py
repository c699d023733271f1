"""Which entry the caller may read or change."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from app.accounts.deps import CurrentCaller, PatientCaller
from app.accounts.models import Role
from app.accounts.service import is_on_care_team
from app.core.db import DbDep
from app.entries.errors import EntryNotFound
from app.entries.models import JournalEntry
from app.entries.service import find_own, get_live_entry


@dataclass(frozen=True)
class ReadableEntry:
    entry: JournalEntry
    by_owner: bool


def readable_entry(entry_id: uuid.UUID, caller: CurrentCaller, db: DbDep) -> ReadableEntry:
    """The patient's own entry, or a shared one for their care team; anything else 404."""
    if caller.role == Role.patient:
        return ReadableEntry(own_entry(entry_id, caller, db), by_owner=True)
    entry = get_live_entry(db, entry_id)
    if (
        caller.role == Role.therapist
        and entry.is_shared
        and is_on_care_team(db, therapist_id=caller.id, patient_id=entry.patient_id)
    ):
        return ReadableEntry(entry, by_owner=False)
    raise EntryNotFound()


def own_entry(entry_id: uuid.UUID, caller: PatientCaller, db: DbDep) -> JournalEntry:
    """The caller's live entry by the id their phone gave it."""
    entry = find_own(db, caller.id, entry_id)
    if entry is None or entry.deleted_at is not None:
        raise EntryNotFound()
    return entry


Readable = Annotated[ReadableEntry, Depends(readable_entry)]
OwnEntry = Annotated[JournalEntry, Depends(own_entry)]
