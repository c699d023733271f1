"""The therapist's queue and the integration-prep summary."""

import uuid

from app.accounts.access import CareTeamPatientId
from app.accounts.deps import TherapistCaller
from app.api.deps import AuditDep
from app.core.clock import Now
from app.core.context import Ctx
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.pagination import Page
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.questionnaires.clinic import queue_fields
from app.questionnaires.deps import Measure
from app.sessions.deps import Rules
from app.sessions.queries import get_session
from app.therapist.queue import build_queue, queue_view
from app.therapist.schemas import QueueItemPublic, SessionSummary
from app.therapist.summary import build_summary

router = api_router(prefix="/v1", tags=["therapist"])


@router.get(
    "/therapist/queue",
    response_model=Page[QueueItemPublic],
    responses=problem_responses(401, 403),
)
def read_queue(
    caller: TherapistCaller,
    db: SessionDep,
    rules: Rules,
    now: Now,
    audit: AuditDep,
    measure: Measure,
) -> ORJSONResponse:
    """My patients who need attention: flagged first, then the nearest integration session."""
    items = build_queue(db, therapist_id=caller.id, rules=rules, now=now)
    audit.record_many(
        "queue.read", patient_ids=[i.patient_id for i in items], resource_type="queue"
    )
    scores = queue_fields(db, [i.patient_id for i in items], measure, now)
    return ORJSONResponse(
        {
            "items": [queue_view(i, rules, now) | scores[i.patient_id] for i in items],
            "next_cursor": None,
        }
    )


@router.get(
    "/patients/{patient_id}/sessions/{session_id}/summary",
    response_model=SessionSummary,
    responses=problem_responses(401, 404, 422),
)
def read_summary(
    patient_id: CareTeamPatientId,
    session_id: uuid.UUID,
    db: SessionDep,
    ctx: Ctx,
    rules: Rules,
    audit: AuditDep,
) -> ORJSONResponse:
    """Integration prep for one window: shared entries, moods, prompts, flags, reviews."""
    session = get_session(db, session_id, patient_id=patient_id)
    audit.record(
        "session.summary", patient_id=patient_id, resource_type="session", resource_id=session_id
    )
    return ORJSONResponse(
        build_summary(
            db, session=session, keyring=ctx.keyring, rules=rules, viewer_id=audit.actor_id
        )
    )
