"""Writing a questionnaire response once, however often the phone retries.

Reuses the entries' offline-safe machinery: the patient's change lock and sync
numbers (changes.sequence), the Idempotency-Key table, the clock-skew clamp and
the conflict problem.
"""

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.care_episodes.queries import within
from app.changes.sequence import claim_seqs
from app.core.clock import CLOCK_SKEW
from app.core.crypto import KeyRing
from app.core.errors import IdempotencyConflict
from app.core.fields import EARLIEST, utc_saturated
from app.core.idempotency import IdempotencyKey
from app.questionnaires import scoring
from app.questionnaires.deps import MeasureRules
from app.questionnaires.due import answered_keys, facts_for, plans_for
from app.questionnaires.instruments import check_answers, known_code
from app.questionnaires.models import QuestionnaireResponse
from app.questionnaires.schedule import match, occurrences


@dataclass(frozen=True)
class NewResponse:
    id: uuid.UUID | None
    code: str
    answers: dict[str, Any]
    answered_at: datetime
    note: str | None = None

    def fingerprint(self) -> str:
        """A hash of what the phone sent, to tell a replay from a different request."""
        canonical = orjson.dumps(
            [
                str(self.id) if self.id else None,
                self.code,
                self.answers,
                self.answered_at.isoformat(),
                # Only when there is one: hashes made before notes of their own agree.
                *([self.note] if self.note is not None else []),
            ],
            option=orjson.OPT_SORT_KEYS,
        )
        return hashlib.sha256(canonical).hexdigest()


@dataclass(frozen=True)
class Recorded:
    response: QuestionnaireResponse
    replayed: bool
    note: str | None


def _aad(response_id: uuid.UUID) -> bytes:
    return b"questionnaire_response:" + response_id.bytes


def decrypt_note(keyring: KeyRing, response: QuestionnaireResponse) -> str | None:
    if response.note_ciphertext is None:
        return None
    return keyring.decrypt(response.note_ciphertext, aad=_aad(response.id))


def _replay(
    response: QuestionnaireResponse | None,
    patient_id: uuid.UUID,
    fingerprint: str,
    keyring: KeyRing,
) -> Recorded:
    if (
        response is None
        or response.patient_id != patient_id
        or response.request_hash != fingerprint
    ):
        raise IdempotencyConflict()
    return Recorded(response, replayed=True, note=decrypt_note(keyring, response))


def record_response(
    db: Session,
    *,
    patient_id: uuid.UUID,
    new: NewResponse,
    idempotency_key: str | None,
    keyring: KeyRing,
    rules: MeasureRules,
    now: datetime,
    shared: bool = True,
) -> Recorded:
    """Check, score and store a response; a partial or invalid one stores nothing.
    `shared`: whether the care team may see it (decided by the caller: consent, care)."""
    instrument = known_code(new.code)
    if new.note is not None and instrument.note_item is not None:
        # Checked and fingerprinted as the item it answers, as v1.1 clients sent it.
        new = replace(new, answers=new.answers | {instrument.note_item: new.note}, note=None)
    clean = check_answers(instrument, new.answers)
    # The patient's lock first: concurrent retries queue here, then see each other.
    (seq,) = claim_seqs(db, patient_id, 1)
    fingerprint = new.fingerprint()
    if idempotency_key is not None:
        known = db.get(IdempotencyKey, (patient_id, idempotency_key))
        if known is not None:
            if known.request_hash != fingerprint or known.entry_id is None:
                raise IdempotencyConflict()
            return _replay(
                db.get(QuestionnaireResponse, known.entry_id), patient_id, fingerprint, keyring
            )
    if new.id is not None:
        existing = find_own(db, patient_id, new.id)
        if existing is not None:
            return _replay(existing, patient_id, fingerprint, keyring)
    # As for entries: a time far ahead of the server, or before 2000, is clamped.
    client_at = utc_saturated(new.answered_at)
    adjusted = not EARLIEST <= client_at <= now + CLOCK_SKEW
    answered_at = now if adjusted else client_at
    occurrence, late = _which_occurrence(db, patient_id, new.code, answered_at, rules, now)
    # Any instrument takes a note: its free-text item's, or one the patient adds.
    note = clean.pop(instrument.note_item, None) if instrument.note_item else new.note
    result = scoring.score(new.code, clean)

    def row(response_id: uuid.UUID, client_id: uuid.UUID | None) -> QuestionnaireResponse:
        return QuestionnaireResponse(
            id=response_id,
            client_id=client_id,
            patient_id=patient_id,
            code=new.code,
            instrument_version=instrument.version_for(_locale_of(db, patient_id)),
            answers=clean,
            note_ciphertext=keyring.encrypt(str(note), aad=_aad(response_id)) if note else None,
            score=result.score,
            severity=result.severity,
            answered_at=answered_at,
            client_answered_at=client_at,
            answered_at_adjusted=adjusted,
            occurrence_key=occurrence.key if occurrence else None,
            reason=occurrence.reason if occurrence else None,
            is_late=late,
            shared_with_care_team=shared,
            change_seq=seq,
            request_hash=fingerprint,
            created_at=now,
        )

    response = _insert_once(db, row, new.id)
    if idempotency_key is not None:
        db.add(
            IdempotencyKey(
                user_id=patient_id,
                key=idempotency_key,
                request_hash=fingerprint,
                entry_id=response.id,
                created_at=now,
            )
        )
    db.flush()
    return Recorded(response, replayed=False, note=str(note) if note else None)


def public_id(response: QuestionnaireResponse) -> uuid.UUID:
    """The id the patient knows the response by (their phone's); the row's for anyone else."""
    return response.client_id or response.id


def find_own(
    db: Session, patient_id: uuid.UUID, response_id: uuid.UUID
) -> QuestionnaireResponse | None:
    """The patient's response by the id they know it by."""
    response = db.get(QuestionnaireResponse, response_id)
    if response is not None and response.patient_id == patient_id and response.client_id is None:
        return response
    return db.exec(
        select(QuestionnaireResponse).where(
            col(QuestionnaireResponse.patient_id) == patient_id,
            col(QuestionnaireResponse.client_id) == response_id,
        )
    ).first()


def _insert_once(
    db: Session,
    row: Callable[[uuid.UUID, uuid.UUID | None], QuestionnaireResponse],
    phone_id: uuid.UUID | None,
) -> QuestionnaireResponse:
    """Store under the phone's id, or a fresh one when that id is another patient's.

    Called under the patient's lock, after their own ids were looked up: a row that
    holds the id now (or takes it concurrently) is someone else's. The answer is the
    same either way, so it tells nothing about other patients' ids.
    """
    if phone_id is None:
        response = row(uuid.uuid4(), None)
        db.add(response)
        return response
    if db.get(QuestionnaireResponse, phone_id) is None:
        response = row(phone_id, None)
        try:
            with db.begin_nested():
                db.add(response)
            return response
        except IntegrityError:  # another patient took it just now
            if response in db:
                db.expunge(response)
    response = row(uuid.uuid4(), phone_id)
    db.add(response)
    return response


def _locale_of(db: Session, patient_id: uuid.UUID) -> str | None:
    patient = db.get(User, patient_id)
    return patient.locale if patient else None


def _which_occurrence(
    db: Session,
    patient_id: uuid.UUID,
    code: str,
    at: datetime,
    rules: MeasureRules,
    now: datetime,
) -> tuple[Any, bool]:
    patient = db.get(User, patient_id)
    if patient is None:
        return None, False
    since = at - timedelta(days=120)
    facts = facts_for(db, patient, since=since)
    # Out of treatment nothing is asked, so nothing answered is an answer to a request.
    if any(within(facts.off_care(), t) for t in (at, now)):
        return None, False
    occs = occurrences(
        facts, plans_for(db, patient_id, rules), rules.window, until=at, open_for=rules.open_for
    )
    answered = answered_keys(db, patient_id, since=since - rules.open_for)
    return match(occs, answered, code, at, late_within=rules.open_for)
