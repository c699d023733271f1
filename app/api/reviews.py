"""Marking an entry reviewed (care team)."""

import uuid

from app.accounts.deps import TherapistCaller
from app.api.deps import ActDep
from app.core.errors import problem_responses
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.entries.deps import Readable
from app.reviews import service
from app.reviews.schemas import ReviewPublic, ReviewPut, ReviewsCreate, ReviewsDone
from app.usecases import care

router = api_router(prefix="/v1", tags=["reviews"])


@router.put(
    "/entries/{entry_id}/review",
    response_model=ReviewPublic,
    responses=problem_responses(401, 403, 404, 422),
)
def review_entry(
    readable: Readable, body: ReviewPut, _caller: TherapistCaller, act: ActDep
) -> ORJSONResponse:
    """Mark a shared entry reviewed, with a private note and whether to discuss it."""
    entry = readable.entry
    review = care.review_entry(act, entry=entry, given=body)
    return ORJSONResponse(service.review_view(review, entry.version, act.keyring, act.actor_id))


@router.post(
    "/patients/{patient_id}/reviews",
    response_model=ReviewsDone,
    responses=problem_responses(401, 403, 404, 422),
)
def review_entries(
    patient_id: uuid.UUID, body: ReviewsCreate, _caller: TherapistCaller, act: ActDep
) -> ORJSONResponse:
    """Mark several of the patient's shared entries reviewed at once. A note or a
    discussion mark the caller already gave an entry stays; ids that are not the
    patient's shared entries are listed as skipped."""
    done, skipped = care.review_entries(act, patient_id=patient_id, entry_ids=body.entry_ids)
    reviewed = [service.review_view(r, e.version, act.keyring, act.actor_id) for r, e in done]
    return ORJSONResponse({"reviewed": reviewed, "skipped": skipped})
