"""Ketamine sessions and the patient's open window."""

import uuid
from typing import Annotated

from fastapi import Query, Response, status

from app.accounts.access import VisiblePatientId, can_see_patient
from app.accounts.deps import CurrentCaller, PatientCaller
from app.accounts.models import Role
from app.api.deps import ActDep
from app.core.clock import Now
from app.core.conditional import NOT_MODIFIED, IfNoneMatch, conditional
from app.core.db import DbDep, ReadOnly
from app.core.deprecation import DEPRECATED_ON, SUNSET_ON, deprecation_headers
from app.core.errors import Forbidden, problem_responses
from app.core.fields import AwareUTC
from app.core.openapi import response_headers
from app.core.pagination import Cursor, Limit, Page
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.sessions import queries
from app.sessions.deps import Rules
from app.sessions.errors import SessionNotFound
from app.sessions.models import KetamineSession
from app.sessions.presenters import session_public
from app.sessions.schemas import OpenWindow, SessionCreate, SessionPublic, SessionUpdate
from app.usecases import sessions as use

router = api_router(prefix="/v1", tags=["sessions"])


def _editable_session(db: DbDep, session_id: uuid.UUID, caller: CurrentCaller) -> KetamineSession:
    """A session the caller may correct: care team only; the patient sees 403, others 404."""
    session = db.get(KetamineSession, session_id)
    if session is None or not can_see_patient(db, caller.id, caller.role, session.patient_id):
        raise SessionNotFound()
    if caller.role != Role.therapist:
        raise Forbidden("Only the care team corrects or removes sessions.")
    return session


@router.post(
    "/patients/{patient_id}/sessions",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def create_session(
    patient_id: VisiblePatientId, body: SessionCreate, caller: CurrentCaller, act: ActDep
) -> SessionPublic:
    """Record a ketamine session; its window opens and entries re-attach.

    The care team is refused (409 `unacknowledged_safety_flags`, with `flag_ids`)
    while a safety flag raised before the session is open: every flag is
    acknowledged before the next dose. A patient's own report is never refused.
    """
    self_report = caller.role == Role.patient
    result = use.record_session(act, patient_id=patient_id, self_report=self_report, new=body)
    return session_public(result)


@router.get("/sessions", response_model=Page[SessionPublic], responses=problem_responses(401, 404))
def list_sessions(
    patient_id: VisiblePatientId,
    caller: CurrentCaller,
    act: ActDep,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ORJSONResponse:
    """A patient's sessions (`patient_id`), newest first, each with its window and counts."""
    rows, nxt = use.list_sessions(act, patient_id=patient_id, limit=limit, cursor=cursor)
    items = [session_public(r, counts).model_dump(mode="json") for r, counts in rows]
    return ORJSONResponse({"items": items, "next_cursor": nxt})


@router.get(
    "/patients/{patient_id}/sessions",
    deprecated=True,
    responses=problem_responses(401, 404, 409, 422)
    | response_headers(200, "Deprecation", "Sunset"),
)
def list_sessions_v1(
    patient_id: VisiblePatientId,
    caller: CurrentCaller,
    act: ActDep,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[AwareUTC | None, Query()] = None,
) -> list[SessionPublic]:
    """Deprecated: `GET /v1/sessions?patient_id=…` (a Page with a cursor). The v1.1 list:
    a bare array paged by `before`."""
    response.headers.update(deprecation_headers(DEPRECATED_ON, SUNSET_ON))
    rows, _ = use.list_sessions(act, patient_id=patient_id, limit=limit, before=before)
    return [session_public(r, counts) for r, counts in rows]


@router.patch("/sessions/{session_id}", responses=problem_responses(401, 403, 404, 409, 422))
def update_session(
    session_id: uuid.UUID, body: SessionUpdate, caller: CurrentCaller, act: ActDep
) -> SessionPublic:
    """Correct a session; entries re-attach to the corrected window."""
    session = _editable_session(act.db, session_id, caller)
    changes = body.model_dump(exclude_unset=True)
    return session_public(use.correct_session(act, session=session, changes=changes))


@router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
def delete_session(session_id: uuid.UUID, caller: CurrentCaller, act: ActDep) -> None:
    """Remove a session recorded in error; its entries re-attach or detach."""
    use.remove_session(act, session=_editable_session(act.db, session_id, caller))


@router.get(
    "/me/window",
    dependencies=[ReadOnly],
    response_model=OpenWindow,
    responses=response_headers(200, "ETag") | NOT_MODIFIED | problem_responses(401, 403, 422),
)
def read_my_window(
    caller: PatientCaller, db: DbDep, rules: Rules, now: Now, if_none_match: IfNoneMatch = None
) -> Response:
    """The window open now, or `{open: false}`."""
    window = queries.current_window(db, patient_id=caller.id, now=now, rules=rules)
    view = use.open_window(db, window, now=now, rules=rules)
    return conditional(view.model_dump(mode="json"), if_none_match)
