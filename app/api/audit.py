"""Who read or changed a patient's data: for the patient, and for the admin."""

import uuid
from typing import Annotated

from fastapi import Query

from app.accounts.deps import AdminCaller, PatientCaller
from app.api.deps import ActDep
from app.audit.models import AuditEvent
from app.audit.queries import page_events
from app.audit.schemas import AccessLogItem, AuditEventPublic
from app.core.db import DbDep, ReadOnly
from app.core.errors import problem_responses
from app.core.pagination import Cursor, Limit, Page
from app.core.routing import api_router
from app.usecases.audit_trail import read_audit_trail

router = api_router(prefix="/v1", tags=["audit"])


def _item(event: AuditEvent, name: str | None, handle: str | None) -> dict[str, object]:
    return {
        "occurred_at": event.occurred_at,
        "actor_id": event.actor_id,
        "actor_name": name,
        "actor_handle": handle,
        "actor_role": event.actor_role,
        "action": event.action,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
    }


@router.get(
    "/me/access-log", dependencies=[ReadOnly], responses=problem_responses(401, 403, 410, 422)
)
def read_access_log(
    caller: PatientCaller, db: DbDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[AccessLogItem]:
    """Who read or changed my data, and when, newest first."""
    rows, next_cursor = page_events(db, patient_id=caller.id, limit=limit, cursor=cursor)
    items = [AccessLogItem.model_validate(_item(e, n, h)) for e, n, h in rows]
    return Page(items=items, next_cursor=next_cursor)


@router.get("/audit", responses=problem_responses(401, 403, 410, 422))
def list_audit_events(
    _admin: AdminCaller,
    act: ActDep,
    patient_id: Annotated[uuid.UUID | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AuditEventPublic]:
    """Audit metadata, newest first (admin; never journal text)."""
    rows, next_cursor = read_audit_trail(act, patient_id=patient_id, limit=limit, cursor=cursor)
    items = [
        AuditEventPublic.model_validate(
            _item(e, n, h)
            | {
                "id": e.id,
                "patient_id": e.patient_id,
                "request_id": e.request_id,
                "client_request_id": e.client_request_id,
            }
        )
        for e, n, h in rows
    ]
    return Page(items=items, next_cursor=next_cursor)
