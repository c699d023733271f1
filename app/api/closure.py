"""Account closure (the patient) and legal hold (an admin)."""

import uuid

from fastapi import status

from app.accounts.deps import AdminCaller, PatientCaller
from app.api.deps import ActDep
from app.closure.schemas import ClosurePublic, LegalHoldCreate, LegalHoldPublic
from app.core.errors import problem_responses
from app.core.routing import api_router
from app.usecases import closure as use

router = api_router(prefix="/v1", tags=["closure"])


@router.post(
    "/me/closure", status_code=status.HTTP_202_ACCEPTED, responses=problem_responses(401, 403)
)
def close_my_account(_caller: PatientCaller, act: ActDep) -> ClosurePublic:
    """Close my account: every sign-in ends now; what is erased and what is kept, and why."""
    return use.close_account(act)


@router.post(
    "/patients/{patient_id}/legal-hold",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def place_legal_hold(
    patient_id: uuid.UUID, body: LegalHoldCreate, _caller: AdminCaller, act: ActDep
) -> LegalHoldPublic:
    """Stop every purge of this patient's data until the hold is lifted (audited)."""
    return use.place_hold(act, patient_id=patient_id, reason=body.reason)


@router.delete(
    "/patients/{patient_id}/legal-hold",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 404),
)
def lift_legal_hold(patient_id: uuid.UUID, _caller: AdminCaller, act: ActDep) -> None:
    """Lift the hold; retention applies again."""
    use.lift_hold(act, patient_id=patient_id)
