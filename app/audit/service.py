"""Writing audit events, in the caller's transaction."""

import uuid
from datetime import datetime

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
        )
    )
    db.flush()
