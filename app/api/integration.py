"""Integration sessions: scheduled by the care team, seen by the patient."""

import uuid

from fastapi import status

from app.accounts.access import CareTeamPatientId, VisiblePatientId
from app.accounts.deps import TherapistCaller
from app.api.deps import ActDep
from app.core.errors import problem_responses
from app.core.pagination import Cursor, Limit, Page, slice_page
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.integration import service
from app.integration.schemas import IntegrationCreate, IntegrationMove, IntegrationPublic
from app.usecases import care

router = api_router(prefix="/v1/patients/{patient_id}/integration-sessions", tags=["integration"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=IntegrationPublic,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def create_integration_session(
    patient_id: CareTeamPatientId,
    body: IntegrationCreate,
    _caller: TherapistCaller,
    act: ActDep,
) -> ORJSONResponse:
    """Schedule the integration session for one ketamine session's window."""
    item, session = care.schedule_integration(act, patient_id=patient_id, new=body)
    view = service.view(item, session.administered_at, act.rules)
    return ORJSONResponse(view, status_code=status.HTTP_201_CREATED)


@router.get("", response_model=Page[IntegrationPublic], responses=problem_responses(401, 404, 422))
def list_integration_sessions(
    patient_id: VisiblePatientId, act: ActDep, limit: Limit = 50, cursor: Cursor = None
) -> ORJSONResponse:
    """The patient's integration sessions, soonest first (patient and care team)."""
    rows, nxt = slice_page(care.list_integrations(act, patient_id=patient_id), limit, cursor)
    items = [service.view(item, at, act.rules) for item, at in rows]
    return ORJSONResponse({"items": items, "next_cursor": nxt})


@router.get(
    "/{item_id}", response_model=IntegrationPublic, responses=problem_responses(401, 404, 422)
)
def read_integration_session(
    patient_id: VisiblePatientId, item_id: uuid.UUID, act: ActDep
) -> ORJSONResponse:
    """One integration session."""
    item, at = care.read_integration(act, patient_id=patient_id, item_id=item_id)
    return ORJSONResponse(service.view(item, at, act.rules))


@router.patch(
    "/{item_id}",
    response_model=IntegrationPublic,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def move_integration_session(
    patient_id: CareTeamPatientId,
    item_id: uuid.UUID,
    body: IntegrationMove,
    _caller: TherapistCaller,
    act: ActDep,
) -> ORJSONResponse:
    """Move an integration session."""
    item, session = care.move_integration(
        act, patient_id=patient_id, item_id=item_id, scheduled_at=body.scheduled_at
    )
    return ORJSONResponse(service.view(item, session.administered_at, act.rules))


@router.delete(
    "/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 403, 404)
)
def cancel_integration_session(
    patient_id: CareTeamPatientId, item_id: uuid.UUID, _caller: TherapistCaller, act: ActDep
) -> None:
    """Cancel an integration session."""
    care.cancel_integration(act, patient_id=patient_id, item_id=item_id)
