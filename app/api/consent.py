"""Consent documents (published by an admin) and the patient's decisions."""

from typing import Any

from fastapi import Response, status

from app.accounts.access import CareTeamPatientId
from app.accounts.deps import AdminCaller, CurrentCaller, PatientCaller
from app.accounts.locale import PatientLocale
from app.api.deps import ActDep
from app.consent import service
from app.consent.schemas import (
    ConsentDecisionCreate,
    ConsentDocumentCreate,
    ConsentDocumentPublic,
    DecisionResult,
    MyConsentsPublic,
)
from app.core.db import DbDep, ReadOnly
from app.core.errors import problem_responses
from app.core.routing import api_router
from app.usecases import consent as use

router = api_router(prefix="/v1", tags=["consent"])
_REPLAY: dict[int | str, dict[str, Any]] = {
    200: {"description": "The same decision was already recorded", "model": DecisionResult}
}


@router.post(
    "/consent-documents",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 409, 422),
)
def publish_consent_document(
    body: ConsentDocumentCreate, act: ActDep, _caller: AdminCaller
) -> ConsentDocumentPublic:
    """Publish a new, immutable version of a document; required kinds are announced."""
    doc = use.publish_document(
        act, kind=body.kind, texts=body.texts, previous_valid_until=body.previous_valid_until
    )
    return ConsentDocumentPublic.model_validate(doc)


@router.get(
    "/consent-documents",
    dependencies=[ReadOnly],
    responses=problem_responses(401),
)
def list_consent_documents(_caller: CurrentCaller, db: DbDep) -> list[ConsentDocumentPublic]:
    """The current version of each kind the clinic has published."""
    docs = service.current_documents(db)
    return [ConsentDocumentPublic.model_validate(d) for _k, d in sorted(docs.items())]


@router.get(
    "/me/consents",
    dependencies=[ReadOnly],
    responses=problem_responses(401, 403),
)
def list_my_consents(caller: PatientCaller, act: ActDep) -> MyConsentsPublic:
    """The current documents, my decisions, and whether my entries can be shared."""
    return use.my_consents(act, caller.id)


@router.get(
    "/patients/{patient_id}/consents",
    responses=problem_responses(401, 404),
)
def list_patient_consents(patient_id: CareTeamPatientId, act: ActDep) -> MyConsentsPublic:
    """The patient's consent state for their care team: each current document, the
    patient's latest decision on it, and whether entries can be shared; audited."""
    return use.patient_consents(act, patient_id)


@router.post(
    "/me/consents",
    status_code=status.HTTP_201_CREATED,
    responses=_REPLAY | problem_responses(401, 403, 404, 409, 422),
)
def decide_consent(
    body: ConsentDecisionCreate,
    _caller: PatientCaller,
    act: ActDep,
    locale: PatientLocale,
    response: Response,
) -> DecisionResult:
    """Accept, decline or withdraw; the same decision again changes nothing (200)."""
    result, created = use.decide(act, given=body, locale=locale.of(act.db))
    if not created:
        response.status_code = status.HTTP_200_OK
    return result
