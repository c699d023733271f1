"""Reading the audit trail: who accessed a patient's data is itself about the patient,
so the admin's read is audited too."""

import uuid
from typing import Any

from app.audit.queries import AuditQuery, page_events
from app.usecases.act import Act


def read_audit_trail(
    act: Act,
    *,
    patient_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
    narrow: AuditQuery = AuditQuery(),
) -> tuple[list[Any], str | None]:
    """A page of events, narrowed to one patient, one actor or a time range."""
    rows, next_cursor = page_events(
        act.db, patient_id=patient_id, limit=limit, cursor=cursor, narrow=narrow
    )
    patients = sorted({e.patient_id for e, _, _ in rows if e.patient_id is not None})
    act.audit.record_many("audit.read", patient_ids=patients, resource_type="audit_event")
    return rows, next_cursor
