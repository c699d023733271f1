"""The therapist's queue and the integration-prep summary."""

import uuid

from app.accounts.access import CareTeamPatientId
from app.accounts.deps import TherapistCaller
from app.api.deps import ActDep
from app.core.errors import problem_responses
from app.core.pagination import Cursor, Limit, Page, slice_page
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.therapist.schemas import QueueItemPublic, SessionSummary
from app.usecases import therapist as use

router = api_router(prefix="/v1", tags=["therapist"])


@router.get(
    "/therapist/queue",
    response_model=Page[QueueItemPublic],
    responses=problem_responses(401, 403),
)
def read_queue(
    _caller: TherapistCaller, act: ActDep, limit: Limit = 50, cursor: Cursor = None
) -> ORJSONResponse:
    """My patients who need attention: flagged first, then the nearest integration session."""
    items, nxt = slice_page(use.read_queue(act), limit, cursor)
    return ORJSONResponse({"items": items, "next_cursor": nxt})


@router.get(
    "/patients/{patient_id}/sessions/{session_id}/summary",
    response_model=SessionSummary,
    responses=problem_responses(401, 404, 422),
)
def read_summary(
    patient_id: CareTeamPatientId, session_id: uuid.UUID, act: ActDep
) -> ORJSONResponse:
    """Integration prep for one window: shared entries, moods, prompts, flags, reviews."""
    return ORJSONResponse(use.read_summary(act, patient_id=patient_id, session_id=session_id))
