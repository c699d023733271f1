"""Dependencies of the clinic's pages: the signed-in staff member and their auditor."""

from typing import Annotated

from fastapi import Depends

from app.audit.auditor import Auditor
from app.clinic.auth import ClinicUserDep
from app.core.clock import Now
from app.core.context import RequestId
from app.core.db import SessionDep


async def clinic_auditor(
    user: ClinicUserDep, db: SessionDep, request_id: RequestId, now: Now
) -> Auditor:
    """The API's auditor, for the page's caller: the same events as /v1 writes."""
    return Auditor(db, user.caller.id, user.caller.role.value, request_id, now)


ClinicAudit = Annotated[Auditor, Depends(clinic_auditor)]
