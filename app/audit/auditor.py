"""An auditor bound to one request: who is acting, and which request.

Use cases call it; the doors (the API, the clinic) only build it.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.audit.service import record_access, record_reads


@dataclass(frozen=True)
class Auditor:
    db: Session
    actor_id: uuid.UUID
    actor_role: str
    request_id: str
    now: datetime
    client_request_id: str | None = None

    def record(
        self,
        action: str,
        patient_id: uuid.UUID,
        resource_type: str,
        resource_id: uuid.UUID | str | None = None,
    ) -> None:
        """Audit a read or change of a patient's data by anyone but that patient."""
        if self.actor_id != patient_id:
            self.record_own(action, patient_id, resource_type, resource_id)

    def record_own(
        self,
        action: str,
        patient_id: uuid.UUID | None,
        resource_type: str,
        resource_id: uuid.UUID | str | None = None,
    ) -> None:
        """Audit it even when the patient acts on their own data (an export, a consent
        decision, closing the account: the clinic's evidence)."""
        record_access(
            self.db,
            actor_id=self.actor_id,
            actor_role=self.actor_role,
            action=action,
            patient_id=patient_id,
            resource_type=resource_type,
            resource_id=resource_id,
            request_id=self.request_id,
            now=self.now,
            client_request_id=self.client_request_id,
        )

    def record_many(self, action: str, *, patient_ids: list[uuid.UUID], resource_type: str) -> None:
        """The same read of several patients' data, one event each, in one statement."""
        record_reads(
            self.db,
            actor_id=self.actor_id,
            actor_role=self.actor_role,
            action=action,
            patient_ids=[pid for pid in patient_ids if pid != self.actor_id],
            resource_type=resource_type,
            request_id=self.request_id,
            now=self.now,
            client_request_id=self.client_request_id,
        )
