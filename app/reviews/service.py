"""Reviewing entries; what is still to read."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.changes.sequence import lock_patient
from app.core.crypto import KeyRing
from app.counts import service as counts
from app.counts.service import is_unreviewed
from app.entries.models import JournalEntry, is_visible_to_care_team
from app.reviews.errors import EntryNotReviewable
from app.reviews.models import EntryReview
from app.reviews.schemas import ReviewPut
from app.safety.models import SafetyFlag


def _aad(review_id: uuid.UUID) -> bytes:
    return b"entry_review:" + review_id.bytes


def _own_review(db: Session, entry_id: uuid.UUID, therapist_id: uuid.UUID) -> EntryReview | None:
    return db.exec(
        select(EntryReview).where(
            EntryReview.entry_id == entry_id, EntryReview.therapist_id == therapist_id
        )
    ).first()


def review_entry(
    db: Session,
    *,
    entry: JournalEntry,
    by: uuid.UUID,
    given: ReviewPut,
    keyring: KeyRing,
    now: datetime,
    keep: bool = False,
) -> EntryReview:
    """Mark the entry's current version reviewed by this therapist (one review each).

    `keep`: a review this therapist already wrote keeps its note, discussion mark and
    visibility (marking many entries reviewed at once never erases a note).
    """
    # The patient's lock orders this against their edits, so the kept count moves once.
    lock_patient(db, entry.patient_id)
    db.refresh(entry)
    if not is_visible_to_care_team(entry):
        raise EntryNotReviewable()  # deleted or made private meanwhile
    was_unreviewed = counts.entry_is_unreviewed(db, entry)
    therapist_id = by
    note, discuss, visibility = given.note, given.discuss, str(given.visibility)
    review = _own_review(db, entry.id, therapist_id)
    if review is None:
        try:
            # A double tap races two inserts; the loser updates the winner's row.
            with db.begin_nested():
                db.add(
                    EntryReview(
                        entry_id=entry.id,
                        therapist_id=therapist_id,
                        entry_version=entry.version,
                        reviewed_at=now,
                    )
                )
        except IntegrityError:
            if _own_review(db, entry.id, therapist_id) is None:
                raise  # not the race: let it fail
        review = _own_review(db, entry.id, therapist_id)
        if review is None:  # pragma: no cover - inserted just above
            raise RuntimeError("the review row vanished")
    elif keep:
        note, discuss, visibility = None, review.discuss, review.visibility
    if not keep or review.note_ciphertext is None:
        review.note_ciphertext = keyring.encrypt(note, aad=_aad(review.id)) if note else None
    review.discuss = discuss
    review.visibility = visibility
    review.entry_version = entry.version
    review.reviewed_at = now
    db.add(review)
    db.flush()
    if was_unreviewed:
        counts.adjust(db, entry.patient_id, unreviewed=-1)
    return review


def review_view(
    review: EntryReview,
    entry_version: int,
    keyring: KeyRing,
    viewer_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A review as `viewer_id` sees it: an author-only note only for its author."""
    note = None
    readable = review.visibility != "author" or review.therapist_id == viewer_id
    if review.note_ciphertext is not None and readable:
        note = keyring.decrypt(review.note_ciphertext, aad=_aad(review.id))
    return {
        "id": review.id,
        "entry_id": review.entry_id,
        "therapist_id": review.therapist_id,
        "note": note,
        "visibility": review.visibility,
        "discuss": review.discuss,
        "reviewed_version": review.entry_version,
        "stale": review.entry_version != entry_version,
        "reviewed_at": review.reviewed_at,
    }


def reviews_by_entry(db: Session, entry_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[EntryReview]]:
    out: dict[uuid.UUID, list[EntryReview]] = {}
    if not entry_ids:
        return out
    rows = db.exec(
        select(EntryReview)
        .where(col(EntryReview.entry_id).in_(entry_ids))
        .order_by(col(EntryReview.reviewed_at))
    ).all()
    for review in rows:
        out.setdefault(review.entry_id, []).append(review)
    return out


def unreviewed_counts(
    db: Session,
    *,
    patient_ids: list[uuid.UUID] | None = None,
    session_ids: list[uuid.UUID] | None = None,
    written_since: datetime | None = None,
) -> dict[uuid.UUID, int]:
    """Unreviewed entries per patient (or per session when session_ids are given).

    `written_since` bounds the count to recent entries, so it reads an index range
    rather than a patient's whole history.
    """
    key = col(JournalEntry.session_id) if session_ids is not None else col(JournalEntry.patient_id)
    stmt = select(key, func.count()).where(is_unreviewed())
    if written_since is not None:
        stmt = stmt.where(col(JournalEntry.written_at) >= written_since)
    if session_ids is not None:
        stmt = stmt.where(col(JournalEntry.session_id).in_(session_ids))
    if patient_ids is not None:
        stmt = stmt.where(col(JournalEntry.patient_id).in_(patient_ids))
    rows = db.exec(stmt.group_by(key)).all()
    return {k: int(n) for k, n in rows if k is not None}


def flagged_counts(db: Session, session_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Entries with a safety flag, per session (private ones included: the flag, not the text)."""
    if not session_ids:
        return {}
    rows = db.exec(
        select(JournalEntry.session_id, func.count(func.distinct(SafetyFlag.entry_id)))
        .join(SafetyFlag, col(SafetyFlag.entry_id) == JournalEntry.id)
        .where(col(JournalEntry.session_id).in_(session_ids))
        .group_by(col(JournalEntry.session_id))
    ).all()
    return {k: int(n) for k, n in rows if k is not None}
