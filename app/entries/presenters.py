"""Entries as the API shows them: decrypted, with their window.

Built as plain dicts and rendered by orjson: the route's response_model documents
the shape (EntryPublic) without validating every item a second time.
"""

from datetime import datetime
from typing import Any

from app.core.crypto import KeyRing
from app.entries.models import EntryRecord
from app.entries.service import decrypt_body, public_id
from app.sessions.window import WindowRules, phase_of


def entry_view(
    entry: EntryRecord,
    session_at: datetime | None,
    *,
    keyring: KeyRing,
    rules: WindowRules,
    owner: bool = False,
    body: str | None = None,
) -> dict[str, Any]:
    """`owner`: shown to the patient, under the id their phone gave it. `body`: the
    text when the caller already holds it (a write), so it is not decrypted again."""
    window = None
    if entry.session_id is not None and session_at is not None:
        window = {
            "session_id": entry.session_id,
            "phase": phase_of(session_at, entry.written_at, rules).value,
            "hours_since_session": round((entry.written_at - session_at).total_seconds() / 3600, 4),
        }
    return {
        "kind": "entry",
        "id": public_id(entry) if owner else entry.id,
        "patient_id": entry.patient_id,
        "body": body if body is not None else decrypt_body(keyring, entry),
        "written_at": entry.written_at,
        "client_written_at": entry.client_written_at,
        "written_at_adjusted": entry.written_at_adjusted,
        "mood": entry.mood,
        "prompt_id": entry.prompt_id,
        "shared_with_care_team": entry.is_shared,
        "version": entry.version,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "session_id": window["session_id"] if window else None,
        "phase": window["phase"] if window else None,
        "hours_since_session": window["hours_since_session"] if window else None,
        "window": window,
        "deleted": False,
        "reviews": None,
        "flag_level": None,
        "safety": None,
    }


def change_view(
    entry: EntryRecord, session_at: datetime | None, *, keyring: KeyRing, rules: WindowRules
) -> dict[str, Any]:
    """A change in the patient's own sync feed."""
    if entry.deleted_at is not None:
        return {
            "kind": "tombstone",
            "id": public_id(entry),
            "deleted": True,
            "deleted_at": entry.deleted_at,
        }
    return entry_view(entry, session_at, keyring=keyring, rules=rules, owner=True)
