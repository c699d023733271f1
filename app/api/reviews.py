"""Marking an entry reviewed (care team)."""

from app.accounts.deps import TherapistCaller
from app.api.deps import AuditDep
from app.core.clock import Now
from app.core.context import Ctx
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.responses import ORJSONResponse
from app.core.routing import api_router
from app.entries.deps import Readable
from app.reviews import service
from app.reviews.schemas import ReviewPublic, ReviewPut

router = api_router(prefix="/v1", tags=["reviews"])


@router.put(
    "/entries/{entry_id}/review",
    response_model=ReviewPublic,
    responses=problem_responses(401, 403, 404, 422),
)
def review_entry(
    readable: Readable,
    body: ReviewPut,
    caller: TherapistCaller,
    db: SessionDep,
    ctx: Ctx,
    now: Now,
    audit: AuditDep,
) -> ORJSONResponse:
    """Mark a shared entry reviewed, with a private note and whether to discuss it."""
    entry = readable.entry
    review = service.review_entry(
        db,
        entry=entry,
        therapist_id=caller.id,
        note=body.note,
        discuss=body.discuss,
        keyring=ctx.keyring,
        now=now,
        visibility=body.visibility,
    )
    audit.record(
        "entry.review", patient_id=entry.patient_id, resource_type="entry", resource_id=entry.id
    )
    return ORJSONResponse(service.review_view(review, entry.version, ctx.keyring, caller.id))
