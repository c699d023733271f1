"""Questionnaires: the instruments, what is due, answers, scores, assignments, schedules."""

from typing import Annotated

from fastapi import Query, Response, status

from app.accounts.access import CareTeamPatientId, VisiblePatientId
from app.accounts.deps import CurrentCaller, PatientCaller
from app.accounts.locale import AcceptLanguage
from app.api.deps import ActDep
from app.core.clock import Now
from app.core.conditional import NOT_MODIFIED, IfNoneMatch, conditional
from app.core.context import Ctx
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.core.fields import IdempotencyKeyHeader
from app.core.openapi import response_headers
from app.core.pagination import Cursor, Limit
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.questionnaires import due as due_service
from app.questionnaires import instruments, reading
from app.questionnaires.bodies import QuestionnaireResponseCreate
from app.questionnaires.deps import Measure
from app.questionnaires.schemas import (
    DueItem,
    DueList,
    QuestionnaireAssignmentCreate,
    QuestionnaireAssignmentPublic,
    QuestionnaireList,
    QuestionnairePublic,
    QuestionnaireResponsePublic,
    ResponsePage,
    SchedulePublic,
    ScheduleUpdate,
    ScoresPublic,
)
from app.usecases import questionnaires as use
from app.usecases.questionnaires import answer_questionnaire

router = api_router(prefix="/v1", tags=["questionnaires"])

Locale = Annotated[str | None, Query(max_length=35, description="en or es; else Accept-Language")]
CodeFilter = Annotated[str | None, Query(max_length=40)]


@router.get(
    "/questionnaires", response_model=QuestionnaireList, responses=problem_responses(401, 422)
)
def list_questionnaires(
    caller: CurrentCaller, locale: Locale = None, accept_language: AcceptLanguage = None
) -> QuestionnaireList:
    """The shipped instruments with items, options and scoring bands."""
    chosen = instruments.pick_locale(locale, accept_language)
    return QuestionnaireList(
        items=[
            QuestionnairePublic.model_validate(instruments.localized(i, chosen))
            for i in instruments.catalogue().values()
        ]
    )


@router.get(
    "/questionnaires/{code}",
    response_model=QuestionnairePublic,
    responses=problem_responses(401, 404, 422),
)
def read_questionnaire(
    code: str, caller: CurrentCaller, locale: Locale = None, accept_language: AcceptLanguage = None
) -> QuestionnairePublic:
    """One instrument, in the asked locale (English where no translation ships)."""
    instrument = instruments.get_instrument(code)
    chosen = instruments.pick_locale(locale, accept_language)
    return QuestionnairePublic.model_validate(instruments.localized(instrument, chosen))


@router.get(
    "/me/questionnaires/due",
    response_model=DueList,
    responses=response_headers(200, "ETag") | NOT_MODIFIED | problem_responses(401, 403, 422),
)
def list_due_questionnaires(
    caller: PatientCaller,
    db: DbDep,
    measure: Measure,
    now: Now,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """What I should answer now, why, and until when."""
    occs = due_service.due_now(db, patient_id=caller.id, rules=measure, now=now)
    due = DueList(
        items=[
            DueItem(
                code=o.code, reason=o.reason, due_at=o.due_at, expires_at=o.expires_at, key=o.key
            )
            for o in occs
        ]
    )
    return conditional(due.model_dump(mode="json"), if_none_match)


@router.post(
    "/questionnaire-responses",
    status_code=status.HTTP_201_CREATED,
    response_model=QuestionnaireResponsePublic,
    responses=response_headers(201, "Idempotent-Replayed") | problem_responses(401, 403, 409, 422),
)
def create_questionnaire_response(
    body: QuestionnaireResponseCreate,
    caller: PatientCaller,
    db: DbDep,
    ctx: Ctx,
    measure: Measure,
    now: Now,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ORJSONResponse:
    """Answer a questionnaire; a retry with the same id or Idempotency-Key answers the same."""
    view, replayed = answer_questionnaire(
        db,
        patient_id=caller.id,
        body=body,
        idempotency_key=idempotency_key,
        ctx=ctx,
        measure=measure,
        now=now,
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return ORJSONResponse(view, status_code=201, headers=headers)


@router.get(
    "/me/questionnaire-responses",
    response_model=ResponsePage,
    responses=problem_responses(401, 403, 410, 422),
)
def list_my_questionnaire_responses(
    caller: PatientCaller,
    db: DbDep,
    ctx: Ctx,
    measure: Measure,
    code: CodeFilter = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ORJSONResponse:
    """My answers, newest first; `code` filters."""
    rows, nxt = reading.page_responses(
        db, patient_id=caller.id, code=code, limit=limit, cursor=cursor
    )
    items = reading.views(db, rows, keyring=ctx.keyring, rules=measure.window, owner=True)
    return ORJSONResponse({"items": items, "next_cursor": nxt})


@router.get(
    "/patients/{patient_id}/questionnaire-responses",
    response_model=ResponsePage,
    responses=problem_responses(401, 404, 410, 422),
)
def list_patient_questionnaire_responses(
    patient_id: CareTeamPatientId,
    act: ActDep,
    code: CodeFilter = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ORJSONResponse:
    """A patient's answers for their care team, newest first; audited."""
    items, nxt = use.list_patient_responses(
        act, patient_id=patient_id, code=code, limit=limit, cursor=cursor
    )
    return ORJSONResponse({"items": items, "next_cursor": nxt})


@router.get(
    "/patients/{patient_id}/scores",
    response_model=ScoresPublic,
    responses=problem_responses(401, 404, 422),
)
def read_patient_scores(
    patient_id: VisiblePatientId,
    act: ActDep,
    code: Annotated[
        str, Query(max_length=40, json_schema_extra={"enum": sorted(instruments.catalogue())})
    ] = "phq9",
) -> ScoresPublic:
    """One instrument's score series with baseline, change, response and remission."""
    instruments.known_code(code, ("query", "code"))
    return ScoresPublic.model_validate(use.read_scores(act, patient_id=patient_id, code=code))


@router.post(
    "/patients/{patient_id}/questionnaire-assignments",
    status_code=status.HTTP_201_CREATED,
    response_model=QuestionnaireAssignmentPublic,
    responses=problem_responses(401, 404, 409, 422),
)
def create_questionnaire_assignment(
    patient_id: CareTeamPatientId, body: QuestionnaireAssignmentCreate, act: ActDep
) -> QuestionnaireAssignmentPublic:
    """Ask the patient to answer one instrument once (due now unless `due_at`)."""
    row = use.assign_questionnaire(act, patient_id=patient_id, asked=body)
    return QuestionnaireAssignmentPublic.model_validate(row, from_attributes=True)


@router.get(
    "/patients/{patient_id}/questionnaire-schedule",
    response_model=SchedulePublic,
    responses=problem_responses(401, 404, 422),
)
def read_questionnaire_schedule(patient_id: CareTeamPatientId, act: ActDep) -> SchedulePublic:
    """The patient's schedule and every recent occurrence: answered, late, due or missed."""
    return use.read_schedule(act, patient_id=patient_id)


@router.put(
    "/patients/{patient_id}/questionnaire-schedule",
    response_model=SchedulePublic,
    responses=problem_responses(401, 404, 422),
)
def update_questionnaire_schedule(
    patient_id: CareTeamPatientId, body: ScheduleUpdate, act: ActDep
) -> SchedulePublic:
    """Change this patient's schedule; the keys sent replace the clinic defaults."""
    changes = {c: p.model_dump(exclude_unset=True) for c, p in body.plans.items()}
    return use.update_schedule(act, patient_id=patient_id, changes=changes)
