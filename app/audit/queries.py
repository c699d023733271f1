"""Reading the audit trail: a page of events with who acted."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.core.pagination import cut_page, keyset


@dataclass(frozen=True)
class AuditQuery:
    """Which events: one patient's, one actor's, from `since` up to (not including) `until`."""

    patient_id: uuid.UUID | None = None
    actor_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None


def page_events(
    db: Session,
    *,
    patient_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
    narrow: AuditQuery = AuditQuery(),
) -> tuple[list[tuple[AuditEvent, str | None, str | None]], str | None]:
    """Events newest first, with the actor's display name and handle.

    The handle is the staff member's email: stable and unique, so two people
    with similar names can't be mistaken for each other in a patient's log.
    """
    handle = case((col(User.role) != "patient", col(User.email)), else_=None)
    stmt = select(AuditEvent, User.display_name, handle).outerjoin(
        User, col(User.id) == AuditEvent.actor_id
    )
    patient_id = patient_id or narrow.patient_id
    if patient_id is not None:
        stmt = stmt.where(AuditEvent.patient_id == patient_id)
    if narrow.actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == narrow.actor_id)
    if narrow.since is not None:
        stmt = stmt.where(col(AuditEvent.occurred_at) >= narrow.since)
    if narrow.until is not None:
        stmt = stmt.where(col(AuditEvent.occurred_at) < narrow.until)
    stmt = keyset(stmt, col(AuditEvent.occurred_at), col(AuditEvent.id), cursor, descending=True)
    rows: list[tuple[AuditEvent, str | None, str | None]] = list(
        db.exec(stmt.limit(limit + 1)).all()
    )
    return cut_page(rows, limit, lambda r: (r[0].occurred_at, r[0].id))
