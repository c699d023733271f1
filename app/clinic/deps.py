"""Dependencies of the clinic's pages: the signed-in staff member's use-case context."""

from typing import Annotated

from fastapi import Depends

from app.audit.auditor import Auditor
from app.clinic.auth import ClinicUserDep
from app.core.clock import Now
from app.core.context import Ctx, RequestId
from app.core.db import DbDep
from app.usecases.act import Act


async def clinic_act(
    user: ClinicUserDep, db: DbDep, ctx: Ctx, request_id: RequestId, now: Now
) -> Act:
    """The same use-case context as the API's, for the page's caller."""
    auditor = Auditor(db, user.caller.id, user.caller.role.value, request_id, now)
    return Act(db, ctx, auditor, now)


ClinicAct = Annotated[Act, Depends(clinic_act)]
