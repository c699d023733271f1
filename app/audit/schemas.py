"""The audit trail as the patient and the admin see it: metadata, never text."""

import uuid
from datetime import datetime

from pydantic import BaseModel


class AccessLogItem(BaseModel):
    occurred_at: datetime
    actor_id: uuid.UUID | None
    actor_name: str | None
    actor_role: str
    action: str
    resource_type: str
    resource_id: str | None


class AuditEventPublic(AccessLogItem):
    id: uuid.UUID
    patient_id: uuid.UUID | None
    request_id: str | None
