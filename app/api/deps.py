"""The API door's dependencies: the auditor and the use-case context of the caller."""

from typing import Annotated

from fastapi import Depends

from app.accounts.deps import CurrentCaller
from app.audit.auditor import Auditor
from app.core.clock import Now
from app.core.context import ClientRequestId, Ctx, RequestId
from app.core.db import DbDep
from app.usecases.act import Act


async def get_auditor(
    caller: CurrentCaller,
    db: DbDep,
    request_id: RequestId,
    client_request_id: ClientRequestId,
    now: Now,
) -> Auditor:
    return Auditor(db, caller.id, caller.role.value, request_id, now, client_request_id)


AuditDep = Annotated[Auditor, Depends(get_auditor)]


async def get_act(audit: AuditDep, ctx: Ctx, now: Now) -> Act:
    return Act(audit.db, ctx, audit, now)


ActDep = Annotated[Act, Depends(get_act)]
