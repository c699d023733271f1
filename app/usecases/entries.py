"""An entry is written, edited, deleted or read by the care team.

A write stores the entry once however often the phone retries and screens its text;
a flag puts the C-SSRS screener on the schedule, and the worker plans its reminder.
The queue's kept counts move inside the entries service itself, in the same
transaction. A care-team read is audited. The text is kept once: the plain text of
a new or edited entry is what the answer shows, never decrypted again.
"""

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.entries import queries
from app.entries import service as entries
from app.entries.deps import ReadableEntry
from app.entries.models import EntryRecord, JournalEntry
from app.entries.presenters import entry_view
from app.notifications.reminders import reschedule_patient
from app.reviews.service import review_view, reviews_by_entry
from app.safety.flags import levels_by_entry
from app.safety.schemas import EntrySafety
from app.safety.screen import ScreenHit, screen_text
from app.safety.service import resources_for, screen_entry
from app.usecases.act import Act
from app.usecases.consent import sharing_refusal


@dataclass(frozen=True)
class Written:
    entry: EntryRecord
    view: dict[str, Any]
    replayed: bool


def _screen(
    act: Act, entry: EntryRecord, hit: ScreenHit | None, locale: str, replay: bool
) -> EntrySafety | None:
    safety = screen_entry(
        act.db,
        entry=entry,
        hit=hit,
        resources=resources_for(act.settings.crisis_resources, locale),
        now=act.now,
        replay=replay,
        keyring=act.keyring,
        escalation=act.escalation,
        locale=locale,
    )
    # A flag puts the C-SSRS screener on the schedule at once (derived from the flag);
    # its reminder is planned by the worker (questionnaires/jobs.py), off this request.
    return safety


def _view(
    act: Act,
    entry: EntryRecord,
    safety: EntrySafety | None,
    *,
    row: tuple[EntryRecord, datetime | None] | None = None,
    body: str | None = None,
) -> dict[str, Any]:
    row = row or queries.entry_with_session_time(act.db, entry)
    view = entry_view(*row, keyring=act.keyring, rules=act.rules, owner=True, body=body)
    if safety is not None:
        view["safety"] = safety.model_dump(mode="json")
    return view


def write_entry(
    act: Act, *, new: entries.NewEntry, idempotency_key: str | None, locale: str
) -> Written:
    """Store the entry once however often the phone retries, then screen its text.

    Without sharing consent, or after discharge, the entry is kept, private.
    """
    # Screened before the patient's lock is taken: the lock is held only to store.
    hit = screen_text(new.body)
    if new.shared_with_care_team and sharing_refusal(act, act.actor_id) is not None:
        new = replace(new, shared_with_care_team=False)
    created = entries.create_entry(
        act.db,
        patient_id=act.actor_id,
        new=new,
        idempotency_key=idempotency_key,
        keyring=act.keyring,
        rules=act.rules,
        now=act.now,
    )
    safety = _screen(act, created.entry, hit, locale, created.replayed)
    if created.replayed:
        return Written(created.entry, _view(act, created.entry, safety), True)
    # A new entry's window and text are known from the create.
    row = (created.entry, created.session_at)
    return Written(created.entry, _view(act, created.entry, safety, row=row, body=new.body), False)


def edit_entry(
    act: Act, *, entry: JournalEntry, changes: dict[str, object], if_match: str | None, locale: str
) -> Written:
    """Apply the patient's edit; new text is screened like a new entry."""
    body = changes.get("body")
    text = body if isinstance(body, str) else None
    hit = screen_text(text) if text is not None else None
    if changes.get("shared_with_care_team") is True and not entry.is_shared:
        refusal = sharing_refusal(act, entry.patient_id)
        if refusal is not None:
            raise refusal
    entry = entries.update_entry(
        act.db, entry=entry, changes=changes, if_match=if_match, keyring=act.keyring, now=act.now
    )
    safety = _screen(act, entry, hit, locale, False) if text is not None else None
    return Written(entry, _view(act, entry, safety, body=text), False)


def delete_entry(act: Act, *, entry: JournalEntry, if_match: str | None) -> None:
    """Leave a tombstone; a window left with no entry may want its reminder again."""
    entries.delete_entry(act.db, entry=entry, if_match=if_match, now=act.now)
    reschedule_patient(act.db, patient_id=entry.patient_id, rules=act.rules, now=act.now)


def add_reviews(act: Act, views: list[dict[str, Any]]) -> None:
    """Care-team views carry the reviews and the level of any flag the entry raised;
    the patient never sees a therapist's note."""
    ids = [v["id"] for v in views]
    found, levels = reviews_by_entry(act.db, ids), levels_by_entry(act.db, ids)
    for v in views:
        v["reviews"] = [
            review_view(r, v["version"], act.keyring, act.actor_id) for r in found.get(v["id"], [])
        ]
        v["flag_level"] = levels.get(v["id"])


def read_entry(act: Act, readable: ReadableEntry) -> dict[str, Any]:
    """One entry; a care-team read is audited and carries the reviews."""
    entry = readable.entry
    act.audit.record("entry.read", entry.patient_id, "entry", entry.id)
    row = queries.entry_with_session_time(act.db, entry)
    view = entry_view(*row, keyring=act.keyring, rules=act.rules, owner=readable.by_owner)
    if not readable.by_owner:
        add_reviews(act, [view])
    return view


def list_patient_entries(
    act: Act,
    *,
    patient_id: uuid.UUID,
    session_id: uuid.UUID | None,
    reviewed: bool | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """The patient's shared entries for the care team, audited, with their reviews."""
    only = queries.EntryFilter(shared_only=True, session_id=session_id, reviewed=reviewed)
    rows, next_cursor = queries.page_entries(
        act.db, patient_id=patient_id, limit=limit, cursor=cursor, only=only
    )
    act.audit.record("entry.list", patient_id, "entry", session_id)
    items = [entry_view(e, t, keyring=act.keyring, rules=act.rules) for e, t in rows]
    add_reviews(act, items)
    return items, next_cursor
