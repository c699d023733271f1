"""A patient takes their data away: exports leave the clinic's hands, so even the
patient's own export is audited (unlike their other reads)."""

from typing import Any

from app.accounts.models import User
from app.audit.service import record_access
from app.export.service import export_patient
from app.usecases.act import Act


def export_my_data(act: Act, *, patient: User, format: str) -> dict[str, Any]:
    data = export_patient(
        act.db, patient=patient, keyring=act.keyring, rules=act.rules, now=act.now
    )
    record_access(
        act.db,
        actor_id=act.actor_id,
        actor_role=act.audit.actor_role,
        action=f"export.{format}",
        patient_id=patient.id,
        resource_type="export",
        resource_id=None,
        request_id=act.audit.request_id,
        now=act.now,
        client_request_id=act.audit.client_request_id,
    )
    return data
