"""Writing audit events, in the caller's transaction."""

import uuid
from datetime import datetime

from sqlalchemy import case, insert
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.core.pagination import cut_page, keyset


def record_access(
    db: Session,
    *,
    actor_id: uuid.UUID | None,
    actor_role: str,
    action: str,
    patient_id: uuid.UUID | None,
    resource_type: str,
    resource_id: uuid.UUID | str | None,
    request_id: str | None,
    now: datetime,
    client_request_id: str | None = None,
) -> None:
    """Append one event; a failure here fails the read or change it records."""
    db.add(
        AuditEvent(
            occurred_at=now,
            actor_id=actor_id,
            actor_role=actor_role,
            action=action,
            patient_id=patient_id,
            resource_type=resource_type,
            resource_id=str(resource_id) if resource_id is not None else None,
            request_id=request_id,
            client_request_id=client_request_id,
        )
    )
    db.flush()


def record_reads(
    db: Session,
    *,
    actor_id: uuid.UUID,
    actor_role: str,
    action: str,
    patient_ids: list[uuid.UUID],
    resource_type: str,
    request_id: str | None,
    now: datetime,
    client_request_id: str | None = None,
) -> None:
    """One event per patient in a single statement (a list that shows many patients)."""
    if not patient_ids:
        return
    # The table, not the ORM class: a Core executemany skips the ORM's bulk machinery.
    db.connection().execute(
        insert(AuditEvent.__table__),  # type: ignore[attr-defined]
        [
            {
                "id": uuid.uuid4(),
                "occurred_at": now,
                "actor_id": actor_id,
                "actor_role": actor_role,
                "action": action,
                "patient_id": pid,
                "resource_type": resource_type,
                "resource_id": None,
                "request_id": request_id,
                "client_request_id": client_request_id,
            }
            for pid in patient_ids
        ],
    )


def page_events(
    db: Session, *, patient_id: uuid.UUID | None, limit: int, cursor: str | None
) -> tuple[list[tuple[AuditEvent, str | None, str | None]], str | None]:
    """Events newest first, with the actor's display name and handle.

    The handle is the staff member's email: stable and unique, so two people
    with similar names can't be mistaken for each other in a patient's log.
    """
    handle = case((col(User.role) != "patient", col(User.email)), else_=None)
    stmt = select(AuditEvent, User.display_name, handle).outerjoin(
        User, col(User.id) == AuditEvent.actor_id
    )
    if patient_id is not None:
        stmt = stmt.where(AuditEvent.patient_id == patient_id)
    stmt = keyset(stmt, col(AuditEvent.occurred_at), col(AuditEvent.id), cursor, descending=True)
    rows: list[tuple[AuditEvent, str | None, str | None]] = list(
        db.exec(stmt.limit(limit + 1)).all()
    )
    return cut_page(rows, limit, lambda r: (r[0].occurred_at, r[0].id))
