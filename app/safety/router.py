"""The safety notice, and acknowledging flags."""

import uuid

from app.accounts.access import can_see_patient
from app.accounts.deps import CurrentCaller, TherapistCaller
from app.accounts.locale import Locale
from app.audit.deps import AuditDep
from app.core.clock import Now
from app.core.context import Ctx
from app.core.db import ReadOnly, SessionDep
from app.core.errors import problem_responses
from app.core.routing import api_router
from app.safety import service
from app.safety.schemas import SafetyFlagPublic, SafetyInfo

router = api_router(prefix="/v1", tags=["safety"])


@router.get("/safety", dependencies=[ReadOnly], responses=problem_responses(401))
def read_safety(_caller: CurrentCaller, locale: Locale, db: SessionDep, ctx: Ctx) -> SafetyInfo:
    """The "not monitored in real time" notice and crisis resources, in the caller's language."""
    lang = locale.of(db)
    resources = service.resources_for(ctx.settings.crisis_resources, lang)
    return service.safety_info(resources, lang)


@router.post("/safety-flags/{flag_id}/acknowledge", responses=problem_responses(401, 403, 404, 422))
def acknowledge_flag(
    flag_id: uuid.UUID, caller: TherapistCaller, db: SessionDep, now: Now, audit: AuditDep
) -> SafetyFlagPublic:
    """The therapist has seen the flag (care team)."""
    flag = service.get_flag(db, flag_id)
    if not can_see_patient(db, caller.id, caller.role, flag.patient_id):
        raise service.FlagNotFound()
    flag = service.acknowledge(db, flag=flag, therapist_id=caller.id, now=now)
    audit.record(
        "safety_flag.acknowledge",
        patient_id=flag.patient_id,
        resource_type="safety_flag",
        resource_id=flag.id,
    )
    return SafetyFlagPublic.model_validate(flag, from_attributes=True)
