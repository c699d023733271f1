"""Integration sessions: scheduled by the care team, seen by the patient."""

import uuid

from fastapi import status

from app.accounts.access import CareTeamPatientId, VisiblePatientId
from app.accounts.deps import TherapistCaller
from app.api.deps import AuditDep
from app.core.clock import Now
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Page
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.integration import service
from app.integration.schemas import IntegrationCreate, IntegrationMove, IntegrationPublic
from app.sessions.deps import Rules
from app.sessions.queries import get_session

router = api_router(prefix="/v1/patients/{patient_id}/integration-sessions", tags=["integration"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=IntegrationPublic,
    responses=problem_responses(401, 403, 404, 422),
)
def create_integration_session(
    patient_id: CareTeamPatientId,
    body: IntegrationCreate,
    caller: TherapistCaller,
    db: SessionDep,
    rules: Rules,
    now: Now,
    audit: AuditDep,
) -> ORJSONResponse:
    """Schedule the integration session for one ketamine session's window."""
    session = get_session(db, body.session_id, patient_id=patient_id)
    item = service.schedule(
        db,
        patient_id=patient_id,
        session=session,
        scheduled_at=body.scheduled_at,
        therapist_id=caller.id,
        now=now,
    )
    audit.record(
        "integration.create",
        patient_id=patient_id,
        resource_type="integration_session",
        resource_id=item.id,
    )
    view = service.view(item, session.administered_at, rules)
    return ORJSONResponse(view, status_code=status.HTTP_201_CREATED)


@router.get("", response_model=Page[IntegrationPublic], responses=problem_responses(401, 404, 422))
def list_integration_sessions(
    patient_id: VisiblePatientId, db: SessionDep, rules: Rules, audit: AuditDep
) -> ORJSONResponse:
    """The patient's integration sessions, soonest first (patient and care team)."""
    rows = service.list_for_patient(db, patient_id)
    audit.record("integration.list", patient_id=patient_id, resource_type="integration_session")
    items = [service.view(item, at, rules) for item, at in rows]
    return ORJSONResponse({"items": items, "next_cursor": None})


@router.get(
    "/{item_id}", response_model=IntegrationPublic, responses=problem_responses(401, 404, 422)
)
def read_integration_session(
    patient_id: VisiblePatientId, item_id: uuid.UUID, db: SessionDep, rules: Rules, audit: AuditDep
) -> ORJSONResponse:
    """One integration session."""
    item = service.get(db, patient_id=patient_id, item_id=item_id)
    audit.record(
        "integration.read",
        patient_id=patient_id,
        resource_type="integration_session",
        resource_id=item.id,
    )
    return ORJSONResponse(
        service.view(item, get_session(db, item.session_id).administered_at, rules)
    )


@router.patch(
    "/{item_id}", response_model=IntegrationPublic, responses=problem_responses(401, 403, 404, 422)
)
def move_integration_session(
    patient_id: CareTeamPatientId,
    item_id: uuid.UUID,
    body: IntegrationMove,
    _caller: TherapistCaller,
    db: SessionDep,
    rules: Rules,
    now: Now,
    audit: AuditDep,
) -> ORJSONResponse:
    """Move an integration session."""
    item = service.get(db, patient_id=patient_id, item_id=item_id)
    item = service.move(db, item=item, scheduled_at=body.scheduled_at, now=now)
    audit.record(
        "integration.update",
        patient_id=patient_id,
        resource_type="integration_session",
        resource_id=item.id,
    )
    return ORJSONResponse(
        service.view(item, get_session(db, item.session_id).administered_at, rules)
    )


@router.delete(
    "/{item_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 403, 404)
)
def cancel_integration_session(
    patient_id: CareTeamPatientId,
    item_id: uuid.UUID,
    _caller: TherapistCaller,
    db: SessionDep,
    now: Now,
    audit: AuditDep,
) -> None:
    """Cancel an integration session."""
    item = service.get(db, patient_id=patient_id, item_id=item_id)
    audit.record(
        "integration.delete",
        patient_id=patient_id,
        resource_type="integration_session",
        resource_id=item.id,
    )
    service.remove(db, item=item, now=now)
