"""Writing audit events, in the caller's transaction."""

import uuid
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session

from app.audit.models import AuditEvent


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
