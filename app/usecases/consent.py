"""Consent: an admin publishes a version, the patient decides, and sharing follows.

Consent only ever gates sharing with the care team. The safety net (the screen,
flags, the check-in, crisis resources) never waits for it.
"""

import uuid
from typing import Any

from sqlalchemy import select as core_select  # six columns: more than sqlmodel's select types
from sqlmodel import col, select

from app.accounts.models import Role, User
from app.care_episodes.errors import PatientDischarged
from app.care_episodes.service import last_end
from app.consent import service as consent
from app.consent.errors import ConsentRequired
from app.consent.models import ConsentDecision, ConsentDocument, ConsentKind, Decision
from app.consent.schemas import (
    ConsentDecisionCreate,
    ConsentDecisionPublic,
    ConsentDocumentPublic,
    ConsentStatePublic,
    DecisionResult,
    MyConsentsPublic,
)
from app.core.errors import AppError
from app.core.i18n import translate
from app.entries import service as entries
from app.entries.models import JournalEntry, shared
from app.notifications.outbox import Notice
from app.reviews.service import reviews_by_entry
from app.usecases.act import Act

CONSENT_UPDATE = Notice(
    "consent_update",
    "Please review an updated agreement",
    "Your clinic published a new version. Open the app to read it and decide.",
)
WITHDRAWN = (
    "Your care team no longer sees your entries from now on. Entries they had already "
    "reviewed stay in the clinic's record, as the law requires."
)


def sharing_refusal(act: Act, patient_id: uuid.UUID) -> AppError | None:
    """Why this patient's entries may not be shared now, or None.

    Every shared write asks, so the episode's end, the latest sharing document and the
    patient's latest decision on it come in one statement (discharged_at and
    sharing_document_missing say the same, one query each)."""
    row = act.db.execute(_SHARING_STATE, {"pid": patient_id}).one()
    ended, doc_id, version, until, decision, decided = row
    if ended is not None:
        return PatientDischarged("Treatment has ended: new entries stay private.")
    if doc_id is None or consent.accepted_in_force(version, until, decision, decided, act.now):
        return None  # a clinic that published no sharing document requires nothing
    return ConsentRequired(
        "Accept the care team sharing document first.",
        extra={
            "document_id": str(doc_id),
            "kind": ConsentKind.care_team_sharing,
            "version": version,
        },
    )


# Built once: building the statement costs more than running it on these small tables.
_SHARING_STATE = core_select(
    last_end().scalar_subquery(),
    consent.latest_sharing(ConsentDocument.id).scalar_subquery(),
    consent.latest_sharing(ConsentDocument.version).scalar_subquery(),
    consent.latest_sharing(ConsentDocument.previous_valid_until).scalar_subquery(),
    consent.latest_sharing_decision(ConsentDecision.decision).scalar_subquery(),
    consent.latest_sharing_decision(ConsentDecision.version).scalar_subquery(),
)


def publish_document(
    act: Act, *, kind: ConsentKind, texts: dict[str, str], previous_valid_until: Any
) -> ConsentDocument:
    doc = consent.publish(
        act.db,
        kind=kind,
        texts=texts,
        by=act.actor_id,
        now=act.now,
        previous_valid_until=previous_valid_until,
    )
    act.audit.record_own("consent_document.publish", None, "consent_document", doc.id)
    if kind in consent.REQUIRED:
        _announce(act, doc)
    return doc


def _announce(act: Act, doc: ConsentDocument) -> None:
    """Every active patient hears of a version that needs their decision (feed, push)."""
    patients = act.db.exec(
        select(User.id).where(User.role == Role.patient, col(User.is_active).is_(True))
    ).all()
    for pid in patients:
        data = {"document_id": str(doc.id), "kind": str(doc.kind)}
        act.notify(pid, f"consent:{doc.id}:{pid}", CONSENT_UPDATE, data)


def my_consents(act: Act, patient_id: uuid.UUID) -> MyConsentsPublic:
    docs = consent.current_documents(act.db)
    latest = consent.latest_decisions(act.db, patient_id)
    items = [
        ConsentStatePublic(
            kind=kind,
            document=ConsentDocumentPublic.model_validate(doc),
            decision=ConsentDecisionPublic.model_validate(latest[kind]) if kind in latest else None,
            in_force=consent.in_force(doc, latest.get(kind), act.now),
            required=kind in consent.REQUIRED,
        )
        for kind, doc in sorted(docs.items())
    ]
    return MyConsentsPublic(items=items, sharing_allowed=sharing_refusal(act, patient_id) is None)


def patient_consents(act: Act, patient_id: uuid.UUID) -> MyConsentsPublic:
    """The same state, read by the care team (audited)."""
    act.audit.record("consent.read", patient_id, "consent_decision")
    return my_consents(act, patient_id)


def decide(act: Act, *, given: ConsentDecisionCreate, locale: str) -> tuple[DecisionResult, bool]:
    """Record the patient's decision once; a withdrawal of sharing acts at once."""
    patient_id, decision = act.actor_id, given.decision
    was_allowed = sharing_refusal(act, patient_id) is None
    row, created = consent.decide(
        act.db, patient_id=patient_id, given=given, locale=locale, now=act.now
    )
    result = DecisionResult.model_validate(row)
    if not created:
        return result, False
    act.audit.record_own(f"consent.{decision.value}", patient_id, "consent_decision", row.id)
    if row.kind == ConsentKind.care_team_sharing and decision != Decision.accepted and was_allowed:
        made_private, kept = _stop_sharing(act, patient_id)
        result.made_private, result.kept_in_record = made_private, kept
        result.message = translate(locale, WITHDRAWN)
    return result, True


def _stop_sharing(act: Act, patient_id: uuid.UUID) -> tuple[int, int]:
    """Shared entries become private, except those reviewed: the clinic's record.

    Each becomes a new version, so the patient's phones see the change on sync.
    """
    rows = act.db.exec(
        select(JournalEntry).where(JournalEntry.patient_id == patient_id, shared())
    ).all()
    reviewed = reviews_by_entry(act.db, [e.id for e in rows])
    made_private = 0
    for entry in rows:
        if entry.id in reviewed:
            continue
        entries.update_entry(
            act.db,
            entry=entry,
            changes={"shared_with_care_team": False},
            if_match="*",
            keyring=act.keyring,
            now=act.now,
        )
        made_private += 1
    return made_private, len(reviewed)
