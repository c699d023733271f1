"""The safety plan: the patient's own, and the care team's view of it (audited)."""

from typing import Annotated

from fastapi import Header, Response

from app.accounts.access import VisiblePatientId
from app.accounts.deps import PatientCaller
from app.api.deps import ActDep
from app.core.clock import Now
from app.core.conditional import NOT_MODIFIED, IfNoneMatch, conditional
from app.core.context import Ctx
from app.core.db import DbDep, ReadOnly
from app.core.errors import problem_responses
from app.core.openapi import response_headers
from app.core.pagination import Cursor, Limit
from app.core.routing import api_router
from app.safety import plan
from app.safety.schemas import SafetyPlanHistory, SafetyPlanPublic, SafetyPlanUpdate
from app.usecases import safety_plan as use

router = api_router(prefix="/v1", tags=["safety"])
_ETAG = response_headers(200, "ETag")
# Not required by the schema: the first write creates the plan without it (428 after).
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description="The plan's ETag; needed once a plan exists, omitted for the first write",
        json_schema_extra={"x-required-once-it-exists": True},
    ),
]


@router.get(
    "/me/safety-plan",
    dependencies=[ReadOnly],
    response_model=SafetyPlanPublic,
    responses=_ETAG | NOT_MODIFIED | problem_responses(401, 403, 404, 422),
)
def read_my_safety_plan(
    caller: PatientCaller, db: DbDep, ctx: Ctx, if_none_match: IfNoneMatch = None
) -> Response:
    """My safety plan, with its ETag; `If-None-Match` with it answers 304."""
    stored = plan.get_plan(db, caller.id)
    view = plan.public(ctx.keyring, stored).model_dump(mode="json")
    return conditional(view, if_none_match, etag=plan.etag(stored))


@router.put(
    "/me/safety-plan",
    response_model=SafetyPlanPublic,
    responses=_ETAG | problem_responses(401, 403, 412, 422, 428),
)
def replace_my_safety_plan(
    body: SafetyPlanUpdate,
    caller: PatientCaller,
    db: DbDep,
    ctx: Ctx,
    now: Now,
    response: Response,
    if_match: IfMatch = None,
) -> SafetyPlanPublic:
    """Write my whole plan; If-Match is needed once a plan exists."""
    stored = plan.save_plan(
        db,
        patient_id=caller.id,
        new=body,
        if_match=if_match,
        author_id=caller.id,
        author_role=caller.role.value,
        keyring=ctx.keyring,
        now=now,
    )
    response.headers["ETag"] = plan.etag(stored)
    return plan.public(ctx.keyring, stored)


@router.get(
    "/patients/{patient_id}/safety-plan",
    response_model=SafetyPlanPublic,
    responses=_ETAG | problem_responses(401, 404, 422),
)
def read_patient_safety_plan(
    patient_id: VisiblePatientId, act: ActDep, response: Response
) -> SafetyPlanPublic:
    """A patient's safety plan (care team, audited), with its ETag."""
    stored = use.read_plan(act, patient_id=patient_id)
    response.headers["ETag"] = plan.etag(stored)
    return plan.public(act.keyring, stored)


@router.put(
    "/patients/{patient_id}/safety-plan",
    response_model=SafetyPlanPublic,
    responses=_ETAG | problem_responses(401, 404, 412, 422, 428),
)
def replace_patient_safety_plan(
    patient_id: VisiblePatientId,
    body: SafetyPlanUpdate,
    act: ActDep,
    response: Response,
    if_match: IfMatch = None,
) -> SafetyPlanPublic:
    """Write a patient's whole plan with them (care team, audited); If-Match once it exists."""
    stored = use.save_plan(act, patient_id=patient_id, new=body, if_match=if_match)
    response.headers["ETag"] = plan.etag(stored)
    return plan.public(act.keyring, stored)


@router.get(
    "/patients/{patient_id}/safety-plan/history",
    response_model=SafetyPlanHistory,
    responses=problem_responses(401, 404, 410, 422),
)
def list_safety_plan_versions(
    patient_id: VisiblePatientId, act: ActDep, limit: Limit = 50, cursor: Cursor = None
) -> SafetyPlanHistory:
    """Who changed the plan, when, and which sections, newest first (no text)."""
    items, next_cursor = use.read_history(act, patient_id=patient_id, limit=limit, cursor=cursor)
    return SafetyPlanHistory(items=items, next_cursor=next_cursor)
