"""The safety notice, and the flags: listing and acknowledging them."""

import uuid
from typing import Annotated, Literal

from fastapi import Query

from app.accounts.deps import CurrentCaller, TherapistOrAdminCaller
from app.accounts.locale import Locale
from app.accounts.models import Role
from app.api.deps import ActDep
from app.core.context import Ctx
from app.core.db import DbDep, ReadOnly
from app.core.errors import problem_responses
from app.core.pagination import Cursor, Limit
from app.core.routing import api_router
from app.safety import flags, service
from app.safety.plan import plan_of
from app.safety.schemas import (
    FlagAcknowledge,
    FlagLevel,
    SafetyFlagPage,
    SafetyFlagPublic,
    SafetyInfo,
)
from app.usecases import care, therapist

router = api_router(prefix="/v1", tags=["safety"])


@router.get(
    "/safety", dependencies=[ReadOnly], response_model=SafetyInfo, responses=problem_responses(401)
)
def read_safety(caller: CurrentCaller, locale: Locale, db: DbDep, ctx: Ctx) -> SafetyInfo:
    """The "not monitored in real time" notice, the crisis resources and my safety plan."""
    lang = locale.of(db)
    own = plan_of(db, ctx.keyring, caller.id) if caller.role == Role.patient else None
    resources = service.resources_for(ctx.settings.crisis_resources, lang)
    return service.safety_info(resources, own, lang)


@router.get(
    "/safety-flags", response_model=SafetyFlagPage, responses=problem_responses(401, 403, 410, 422)
)
def list_safety_flags(
    caller: TherapistOrAdminCaller,
    act: ActDep,
    status: Annotated[Literal["open", "acknowledged"], Query()] = "open",
    level: Annotated[
        FlagLevel | None, Query(description="Only urgent flags, or only flags for review")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> SafetyFlagPage:
    """Flags of my patients (care team), or of every patient (on-call staff); no entry text."""
    acknowledged = status == "acknowledged"
    items, next_cursor = therapist.list_flags(
        act, acknowledged=acknowledged, level=level, limit=limit, cursor=cursor
    )
    return SafetyFlagPage(items=items, next_cursor=next_cursor)


@router.post(
    "/safety-flags/{flag_id}/acknowledge",
    response_model=SafetyFlagPublic,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def acknowledge_flag(
    flag_id: uuid.UUID, body: FlagAcknowledge, caller: TherapistOrAdminCaller, act: ActDep
) -> SafetyFlagPublic:
    """Close a flag with its outcome and an optional note (care team or on-call staff)."""
    flag, mine = care.flag_for_acknowledgement(act, flag_id, caller.role)
    flag = care.acknowledge_flag(act, flag=flag, given=body)
    shared, deleted_at = flags.entry_state(act.db, flag)
    return flags.flag_public(
        flag, is_shared=shared, deleted_at=deleted_at, show_entry=mine, keyring=act.keyring
    )
