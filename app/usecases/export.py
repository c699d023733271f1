"""A patient takes their data away: exports leave the clinic's hands, so even the
patient's own export is audited (unlike their other reads)."""

from typing import Any

from app.accounts.models import User
from app.export.service import export_patient
from app.usecases.act import Act


def export_my_data(act: Act, *, patient: User, format: str) -> dict[str, Any]:
    data = export_patient(
        act.db, patient=patient, keyring=act.keyring, rules=act.rules, now=act.now
    )
    act.audit.record_own(f"export.{format}", patient.id, "export")
    return data
