"""Writing, reading, editing and deleting journal entries."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Table, delete, update
from sqlmodel import Session, col, select

from app.changes.sequence import claim_seqs
from app.core.clock import CLOCK_SKEW
from app.core.crypto import KeyRing
from app.core.db import per_dialect
from app.core.errors import IdempotencyConflict, PreconditionFailed, PreconditionRequired
from app.core.fields import EARLIEST, utc_saturated
from app.core.idempotency import IdempotencyKey
from app.counts import service as counts
from app.entries.attachment import session_for
from app.entries.errors import EntryGone, EntryNotFound
from app.entries.models import EntryRecord, JournalEntry, StoredEntry
from app.prompts.service import ensure_prompt_usable
from app.sessions.window import WindowRules


@dataclass(frozen=True)
class NewEntry:
    id: uuid.UUID | None
    body: str
    written_at: datetime
    mood: int | None
    prompt_id: uuid.UUID | None
    shared_with_care_team: bool

    def fingerprint(self) -> str:
        """A hash of what the phone sent, to tell a replay from a different request."""
        canonical = orjson.dumps(
            [
                str(self.id) if self.id else None,
                self.body,
                self.written_at.isoformat(),
                self.mood,
                str(self.prompt_id) if self.prompt_id else None,
                self.shared_with_care_team,
            ]
        )
        return hashlib.sha256(canonical).hexdigest()


@dataclass(frozen=True)
class Created:
    entry: EntryRecord
    replayed: bool
    # When the entry's session was administered, if the create already knows it.
    session_at: datetime | None = None


_entries = cast(Table, JournalEntry.__table__)  # type: ignore[attr-defined]
_keys = cast(Table, IdempotencyKey.__table__)  # type: ignore[attr-defined]
# The id is the client's: a retry that lost its answer conflicts here and is replayed.
_INSERT_ONCE = per_dialect(
    lambda insert: (
        insert(_entries)
        .on_conflict_do_nothing(index_elements=[_entries.c.id])
        .returning(_entries.c.id)
    )  # rowcount is not reported by every driver here
)


def _insert(
    connection: Connection, values: dict[str, Any], entry_id: uuid.UUID, keyring: KeyRing, body: str
) -> bool:
    """Insert the row under `entry_id`; False when that id is already taken."""
    values["id"] = entry_id
    values["body_ciphertext"] = keyring.encrypt(body, aad=_aad(entry_id))
    return connection.execute(_INSERT_ONCE[connection.dialect.name], values).first() is not None


def public_id(entry: EntryRecord) -> uuid.UUID:
    """The id the patient knows the entry by (their phone's), the row's id for anyone else."""
    return entry.client_id or entry.id


def find_own(db: Session, patient_id: uuid.UUID, entry_id: uuid.UUID) -> JournalEntry | None:
    """The patient's entry by the id they know it by, deleted or not."""
    entry = db.get(JournalEntry, entry_id)
    if entry is not None and entry.patient_id == patient_id and entry.client_id is None:
        return entry
    return db.exec(
        select(JournalEntry).where(
            col(JournalEntry.patient_id) == patient_id, col(JournalEntry.client_id) == entry_id
        )
    ).first()


def _aad(entry_id: uuid.UUID) -> bytes:
    # Binds each ciphertext to its row: a body moved to another entry fails to decrypt.
    return b"journal_entry:" + entry_id.bytes


def decrypt_body(keyring: KeyRing, entry: EntryRecord) -> str:
    if entry.body_ciphertext is None:
        return ""
    return keyring.decrypt(entry.body_ciphertext, aad=_aad(entry.id))


def _replay(entry: JournalEntry, fingerprint: str) -> Created:
    # A deleted entry's fingerprint is erased with its text: a retry learns it is gone.
    if entry.deleted_at is not None:
        raise EntryGone()
    if entry.request_hash != fingerprint:
        raise IdempotencyConflict()
    return Created(entry, replayed=True)


def create_entry(
    db: Session,
    *,
    patient_id: uuid.UUID,
    new: NewEntry,
    idempotency_key: str | None,
    keyring: KeyRing,
    rules: WindowRules,
    now: datetime,
) -> Created:
    """Store an entry once, however often the phone retries."""
    # The patient's lock first: concurrent retries queue here, then see each other.
    (seq,) = claim_seqs(db, patient_id, 1)
    fingerprint = keyring.fingerprint(new.fingerprint())
    if idempotency_key is not None:
        known = db.get(IdempotencyKey, (patient_id, idempotency_key))
        if known is not None:
            if known.request_hash not in (fingerprint, "") or known.entry_id is None:
                raise IdempotencyConflict()
            entry = db.get(JournalEntry, known.entry_id)
            if entry is None:
                raise EntryGone()
            return _replay(entry, fingerprint)
    client_written_at = utc_saturated(new.written_at)
    # A clock far ahead, or one that never got set (before 2000): the time of receipt.
    adjusted = not EARLIEST <= client_written_at <= now + CLOCK_SKEW
    written_at = now if adjusted else client_written_at
    offset = new.written_at.utcoffset() or timedelta(0)
    window = session_for(db, patient_id, written_at, rules)
    values: dict[str, Any] = {
        "patient_id": patient_id,
        "client_id": None,
        "written_at": written_at,
        "client_written_at": client_written_at,
        "utc_offset_minutes": int(offset.total_seconds() // 60),
        "written_at_adjusted": adjusted,
        "mood": new.mood,
        "prompt_id": new.prompt_id,
        "is_shared": new.shared_with_care_team,
        "version": 1,
        "session_id": window[0] if window else None,
        "change_seq": seq,
        "request_hash": fingerprint,
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
    }
    entry_id = new.id or uuid.uuid4()
    connection = db.connection()
    if not _insert(connection, values, entry_id, keyring, new.body):
        existing = db.get(JournalEntry, entry_id)
        if existing is None:  # pragma: no cover - the conflict was on this id
            raise IdempotencyConflict()
        if existing.patient_id != patient_id:
            # Another patient's id: answered exactly as a new id would be.
            existing = find_own(db, patient_id, entry_id)
            if existing is None:
                values["client_id"] = entry_id
                entry_id = uuid.uuid4()
                _insert(connection, values, entry_id, keyring, new.body)
        if existing is not None:
            return _replay(existing, fingerprint)
    # Checked after the insert, so a retry is answered even if the prompt has gone;
    # a failure here rolls the insert back with everything else.
    if new.prompt_id is not None:
        ensure_prompt_usable(db, patient_id=patient_id, prompt_id=new.prompt_id)
    if idempotency_key is not None:
        connection.execute(
            _keys.insert(),
            {
                "user_id": patient_id,
                "key": idempotency_key,
                "request_hash": fingerprint,
                "entry_id": entry_id,
                "created_at": now,
            },
        )
    if new.shared_with_care_team:
        counts.adjust(db, patient_id, unreviewed=1)
    return Created(StoredEntry(**values), replayed=False, session_at=window[1] if window else None)


def get_live_entry(db: Session, entry_id: uuid.UUID) -> JournalEntry:
    entry = db.get(JournalEntry, entry_id)
    if entry is None or entry.deleted_at is not None:
        raise EntryNotFound()
    return entry


def etag(entry: EntryRecord) -> str:
    return f'"v{entry.version}"'


def check_if_match(entry: JournalEntry, if_match: str | None) -> None:
    if if_match is None:
        raise PreconditionRequired("Send If-Match with the entry's ETag.")
    tags = {t.strip() for t in if_match.split(",")}
    if "*" not in tags and etag(entry) not in tags:
        raise PreconditionFailed(f"The entry is now at version {entry.version}.")


def _lock_and_check(db: Session, entry: JournalEntry, if_match: str | None) -> int:
    """Take the patient's lock and the change's number; check the entry as of the lock."""
    (seq,) = claim_seqs(db, entry.patient_id, 1)
    db.refresh(entry)  # the state as of the lock, not as first read
    if entry.deleted_at is not None:
        raise EntryNotFound()
    check_if_match(entry, if_match)
    return seq


def update_entry(
    db: Session,
    *,
    entry: JournalEntry,
    changes: dict[str, object],
    if_match: str | None,
    keyring: KeyRing,
    now: datetime,
) -> JournalEntry:
    seq = _lock_and_check(db, entry, if_match)
    was_unreviewed = counts.entry_is_unreviewed(db, entry)
    body = changes.get("body")
    if isinstance(body, str):
        entry.body_ciphertext = keyring.encrypt(body, aad=_aad(entry.id))
    if "mood" in changes:
        entry.mood = changes["mood"]  # type: ignore[assignment]
    shared = changes.get("shared_with_care_team")
    if isinstance(shared, bool):
        entry.is_shared = shared
    if changes:
        entry.change_seq = seq
        entry.version += 1
        entry.updated_at = now
        # A new version has no review yet: shared, it is to be read again.
        counts.adjust(db, entry.patient_id, unreviewed=int(entry.is_shared) - was_unreviewed)
    db.add(entry)
    db.flush()
    return entry


def delete_entry(db: Session, *, entry: JournalEntry, if_match: str | None, now: datetime) -> None:
    """Leave a tombstone for syncing phones; the text is erased."""
    entry.change_seq = _lock_and_check(db, entry, if_match)
    if counts.entry_is_unreviewed(db, entry):
        counts.adjust(db, entry.patient_id, unreviewed=-1)
    entry.body_ciphertext = None
    entry.mood = None
    # The fingerprints are a function of the text: erased with it.
    entry.request_hash = ""
    db.execute(
        update(IdempotencyKey)
        .where(col(IdempotencyKey.entry_id) == entry.id)
        .values(request_hash="")
    )
    entry.deleted_at = now
    entry.updated_at = now
    entry.version += 1
    db.add(entry)
    db.flush()


def prune_idempotency_keys(db: Session, *, older_than: datetime) -> int:
    """Forget keys past their retention (at least 24 hours is promised)."""
    result = db.execute(delete(IdempotencyKey).where(col(IdempotencyKey.created_at) < older_than))
    return int(result.rowcount)  # type: ignore[attr-defined]
