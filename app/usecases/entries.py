"""An entry is written, edited or deleted: store it, screen it, re-plan reminders.

The queue's kept counts move inside the entries service itself (app/counts),
in the same statements' transaction, so no path can forget them.
"""

import uuid
from datetime import datetime

from sqlmodel import Session

from app.core.crypto import KeyRing
from app.entries import service as entries
from app.entries.models import JournalEntry
from app.notifications.reminders import reschedule_patient
from app.questionnaires.deps import MeasureRules
from app.questionnaires.reminders import plan_reminders
from app.safety.schemas import CrisisResource, EntrySafety
from app.safety.service import Escalation, screen_entry
from app.sessions.window import WindowRules


def write_entry(
    db: Session,
    *,
    patient_id: uuid.UUID,
    new: entries.NewEntry,
    idempotency_key: str | None,
    keyring: KeyRing,
    rules: WindowRules,
    resources: list[CrisisResource],
    escalation: Escalation,
    measure_rules: MeasureRules,
    locale: str,
    now: datetime,
) -> tuple[entries.Created, EntrySafety | None]:
    """Store the entry once however often the phone retries, then screen its text."""
    created = entries.create_entry(
        db,
        patient_id=patient_id,
        new=new,
        idempotency_key=idempotency_key,
        keyring=keyring,
        rules=rules,
        now=now,
    )
    safety = screen_entry(
        db,
        entry=created.entry,
        text=new.body,
        resources=resources,
        now=now,
        replay=created.replayed,
        keyring=keyring,
        escalation=escalation,
        locale=locale,
    )
    if safety is not None and not created.replayed:
        # A flag puts the C-SSRS screener on the patient's schedule.
        plan_reminders(db, patient_id=patient_id, rules=measure_rules, now=now)
    return created, safety


def edit_entry(
    db: Session,
    *,
    entry: JournalEntry,
    changes: dict[str, object],
    if_match: str | None,
    keyring: KeyRing,
    resources: list[CrisisResource],
    escalation: Escalation,
    measure_rules: MeasureRules,
    locale: str,
    now: datetime,
) -> tuple[JournalEntry, EntrySafety | None]:
    """Apply the patient's edit; new text is screened like a new entry."""
    entry = entries.update_entry(
        db, entry=entry, changes=changes, if_match=if_match, keyring=keyring, now=now
    )
    body = changes.get("body")
    safety = None
    if isinstance(body, str):
        safety = screen_entry(
            db,
            entry=entry,
            text=body,
            resources=resources,
            now=now,
            keyring=keyring,
            escalation=escalation,
            locale=locale,
        )
        if safety is not None:
            plan_reminders(db, patient_id=entry.patient_id, rules=measure_rules, now=now)
    return entry, safety


def delete_entry(
    db: Session, *, entry: JournalEntry, if_match: str | None, rules: WindowRules, now: datetime
) -> None:
    """Leave a tombstone; a window left with no entry may want its reminder again."""
    entries.delete_entry(db, entry=entry, if_match=if_match, now=now)
    reschedule_patient(db, patient_id=entry.patient_id, rules=rules, now=now)
