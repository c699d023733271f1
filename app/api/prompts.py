"""The prompt library, the next prompt for now, and the care team's assignments."""

import uuid
from typing import Annotated

from fastapi import Query, status

from app.accounts.access import CareTeamPatientId, can_see_patient
from app.accounts.deps import CurrentCaller, PatientCaller, TherapistCaller
from app.accounts.locale import Locale, PatientLocale
from app.api.deps import ActDep
from app.core.clock import Now
from app.core.db import DbDep, ReadOnly
from app.core.errors import problem_responses
from app.core.pagination import Cursor, Limit, Page, slice_page
from app.core.routing import api_router
from app.prompts import service
from app.prompts.chooser import choose_next
from app.prompts.errors import PromptNotFound
from app.prompts.models import PromptPhase, Technique
from app.prompts.schemas import AssignmentCreate, AssignmentPublic, NextPrompt, PromptPublic
from app.sessions.deps import Rules
from app.usecases import care

router = api_router(prefix="/v1", tags=["prompts"])


@router.get("/prompts", dependencies=[ReadOnly], responses=problem_responses(401, 410, 422))
def list_prompts(
    _caller: CurrentCaller,
    locale: Locale,
    db: DbDep,
    technique: Annotated[Technique | None, Query()] = None,
    phase: Annotated[PromptPhase | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[PromptPublic]:
    """The prompt library, in the caller's language."""
    rows, next_cursor = service.list_library(
        db, technique=technique, phase=phase.value if phase else None, limit=limit, cursor=cursor
    )
    lang = locale.of(db)
    return Page(items=[service.prompt_public(p, lang) for p in rows], next_cursor=next_cursor)


@router.get("/prompts/next", responses=problem_responses(401, 403, 404, 422))
def next_prompt(
    caller: PatientCaller,
    locale: PatientLocale,
    db: DbDep,
    rules: Rules,
    now: Now,
    technique: Annotated[Technique | None, Query()] = None,
) -> NextPrompt:
    """The prompt that fits now: assigned ones first, no repeats in a window."""
    choice = choose_next(db, patient_id=caller.id, technique=technique, rules=rules, now=now)
    base = service.prompt_public(choice.prompt, locale.of(db)).model_dump()
    return NextPrompt(**base, phase=PromptPhase(choice.phase), assigned=choice.assigned)


@router.get("/prompts/{prompt_id}", responses=problem_responses(401, 404, 422))
def read_prompt(
    prompt_id: uuid.UUID, caller: CurrentCaller, locale: Locale, act: ActDep
) -> PromptPublic:
    """One prompt; a custom one only for its patient and their care team."""
    prompt = service.get_prompt(act.db, prompt_id)
    if prompt.patient_id is not None:
        if not can_see_patient(act.db, caller.id, caller.role, prompt.patient_id):
            raise PromptNotFound()
        care.read_custom_prompt(act, prompt)
    return service.prompt_public(prompt, locale.of(act.db))


@router.post(
    "/patients/{patient_id}/prompts",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def assign_prompt(
    patient_id: CareTeamPatientId, body: AssignmentCreate, _caller: TherapistCaller, act: ActDep
) -> AssignmentPublic:
    """Assign a library prompt, or write a custom one for this patient (care team)."""
    assignment, prompt = care.assign_prompt(act, patient_id=patient_id, given=body)
    return service.assignment_public(assignment, prompt)


@router.get("/patients/{patient_id}/prompts", responses=problem_responses(401, 404, 422))
def list_assignments(
    patient_id: CareTeamPatientId, act: ActDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[AssignmentPublic]:
    """The prompts assigned to this patient (care team)."""
    rows, nxt = slice_page(care.list_assignments(act, patient_id=patient_id), limit, cursor)
    return Page(items=[service.assignment_public(a, p) for a, p in rows], next_cursor=nxt)


@router.delete(
    "/patients/{patient_id}/prompts/{assignment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404, 422),
)
def delete_assignment(
    patient_id: CareTeamPatientId, assignment_id: uuid.UUID, _caller: TherapistCaller, act: ActDep
) -> None:
    """Take an assignment back (care team)."""
    care.unassign_prompt(act, patient_id=patient_id, assignment_id=assignment_id)
