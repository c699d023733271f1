"""The audit trail as the patient and the admin see it: metadata, never text."""

import uuid
from datetime import datetime

from pydantic import BaseModel

from app.core import examples as ex

_ITEM = {
    "occurred_at": ex.WRITTEN_AT,
    "actor_id": ex.THERAPIST,
    "actor_name": "Dr. Rivera",
    "actor_role": "therapist",
    "action": "entry.read",
    "resource_type": "entry",
    "resource_id": ex.ENTRY,
}


class AccessLogItem(BaseModel):
    model_config = ex.examples(_ITEM)

    occurred_at: datetime
    actor_id: uuid.UUID | None
    actor_name: str | None
    actor_role: str
    action: str
    resource_type: str
    resource_id: str | None


class AuditEventPublic(AccessLogItem):
    model_config = ex.examples(
        _ITEM
        | {
            "id": ex.OTHER,
            "patient_id": ex.PATIENT,
            "request_id": "1f6c4e0e0b8a4d5f9a3c2b1d0e9f8a7b",
        }
    )

    id: uuid.UUID
    patient_id: uuid.UUID | None
    request_id: str | None
