"""Publishing versions, recording decisions, and the one rule: may entries be shared?"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from app.changes.sequence import lock_patient
from app.consent.errors import ConsentDocumentNotFound, DocumentSuperseded
from app.consent.models import ConsentDecision, ConsentDocument, ConsentKind, Decision
from app.consent.schemas import ConsentDecisionCreate

REQUIRED = (ConsentKind.app_terms, ConsentKind.care_team_sharing)


def _next(db: Session, number: Any, among: Any) -> int:
    """One past the highest number so far among these rows (the unique index refuses a
    concurrent duplicate)."""
    return int(db.exec(select(func.max(number)).where(among)).one() or 0) + 1


def publish(
    db: Session,
    *,
    kind: ConsentKind,
    texts: dict[str, str],
    by: uuid.UUID,
    now: datetime,
    previous_valid_until: datetime | None,
) -> ConsentDocument:
    """A new immutable version; numbering is per kind, under the unique index."""
    doc = ConsentDocument(
        kind=kind,
        version=_next(db, ConsentDocument.version, ConsentDocument.kind == kind),
        texts=texts,
        published_at=now,
        published_by=by,
        previous_valid_until=previous_valid_until,
    )
    db.add(doc)
    db.flush()
    return doc


def current_documents(db: Session) -> dict[ConsentKind, ConsentDocument]:
    docs = db.exec(select(ConsentDocument).order_by(col(ConsentDocument.version))).all()
    return {ConsentKind(d.kind): d for d in docs}  # the last version of each kind wins


def latest_decisions(db: Session, patient_id: uuid.UUID) -> dict[ConsentKind, ConsentDecision]:
    rows = db.exec(
        select(ConsentDecision)
        .where(ConsentDecision.patient_id == patient_id)
        .order_by(col(ConsentDecision.number))
    ).all()
    return {ConsentKind(d.kind): d for d in rows}


def all_decisions(db: Session, patient_id: uuid.UUID) -> list[ConsentDecision]:
    return list(
        db.exec(
            select(ConsentDecision)
            .where(ConsentDecision.patient_id == patient_id)
            .order_by(col(ConsentDecision.number))
        ).all()
    )


def in_force(doc: ConsentDocument, decision: ConsentDecision | None, now: datetime) -> bool:
    """An acceptance of this version, or of an older one while the admin lets it hold."""
    if decision is None:
        return False
    return accepted_in_force(
        doc.version, doc.previous_valid_until, decision.decision, decision.version, now
    )


def accepted_in_force(
    version: int,
    previous_valid_until: datetime | None,
    decision: str | None,
    decided_version: int | None,
    now: datetime,
) -> bool:
    """in_force on the bare values (the sharing check reads them in one statement)."""
    if decided_version is None or decision != Decision.accepted:
        return False
    if decided_version == version:
        return True
    until = previous_valid_until
    return decided_version < version and (until is None or now < until)


def sharing_document_missing(
    db: Session, patient_id: uuid.UUID, now: datetime
) -> ConsentDocument | None:
    """The care_team_sharing document the patient must accept first, or None.

    A clinic that published none requires nothing (installs before consent existed).
    """
    # The latest version and decision of this one kind, as current_documents and
    # latest_decisions would find them, without loading every kind's (each write asks).
    doc = db.exec(_LATEST_SHARING).first()
    if doc is None:
        return None
    decision = db.exec(_LATEST_SHARING_DECISION, params={"pid": patient_id}).first()
    return None if in_force(doc, decision, now) else doc


def latest_sharing(what: Any) -> Any:
    """The latest care_team_sharing document's `what` (the row, or one column)."""
    return (
        select(what)
        .where(ConsentDocument.kind == ConsentKind.care_team_sharing)
        .order_by(col(ConsentDocument.version).desc())
        .limit(1)
    )


def latest_sharing_decision(what: Any) -> Any:
    """The latest sharing decision's `what` of the patient bound as `pid`."""
    return (
        select(what)
        .where(
            col(ConsentDecision.patient_id) == bindparam("pid"),
            ConsentDecision.kind == ConsentKind.care_team_sharing,
        )
        .order_by(col(ConsentDecision.number).desc())
        .limit(1)
    )


# Built once: building a statement costs more than running it on these small tables.
_LATEST_SHARING = latest_sharing(ConsentDocument)
_LATEST_SHARING_DECISION = latest_sharing_decision(ConsentDecision)


def decide(
    db: Session, *, patient_id: uuid.UUID, given: ConsentDecisionCreate, locale: str, now: datetime
) -> tuple[ConsentDecision, bool]:
    """Record a decision; the same decision again on the same version is a replay."""
    decision = given.decision
    doc = db.get(ConsentDocument, given.document_id)
    if doc is None:
        raise ConsentDocumentNotFound()
    lock_patient(db, patient_id)  # concurrent retries queue here, then see each other
    kind = ConsentKind(doc.kind)
    latest = latest_decisions(db, patient_id).get(kind)
    if latest is not None and latest.document_id == doc.id and latest.decision == decision:
        return latest, False
    if current_documents(db)[kind].id != doc.id and decision == Decision.accepted:
        raise DocumentSuperseded(extra={"document_id": str(current_documents(db)[kind].id)})
    row = ConsentDecision(
        patient_id=patient_id,
        number=_next(db, ConsentDecision.number, ConsentDecision.patient_id == patient_id),
        document_id=doc.id,
        kind=kind,
        version=doc.version,
        decision=decision,
        locale=locale,
        decided_at=now,
    )
    db.add(row)
    db.flush()
    return row, True


def export_view(db: Session, patient_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every decision, oldest first, for the patient's export."""
    return [
        {
            "document_id": d.document_id,
            "kind": d.kind,
            "version": d.version,
            "decision": d.decision,
            "locale": d.locale,
            "decided_at": d.decided_at,
        }
        for d in all_decisions(db, patient_id)
    ]
