"""Episodes of care: discharge, re-admission, and the list of episodes."""

from fastapi import status

from app.accounts.access import CareTeamPatientId, VisiblePatientId
from app.api.deps import ActDep
from app.care_episodes.schemas import DischargeCreate, EpisodePublic
from app.core.errors import problem_responses
from app.core.routing import api_router
from app.usecases import discharge as use

router = api_router(prefix="/v1/patients/{patient_id}", tags=["care episodes"])


@router.post("/discharge", responses=problem_responses(401, 404, 409, 422))
def discharge_patient(
    patient_id: CareTeamPatientId, body: DischargeCreate, act: ActDep
) -> EpisodePublic:
    """End treatment: reminders stop, new entries are private, the patient is told."""
    return use.discharge_patient(act, patient_id=patient_id, reason=body.reason)


@router.post(
    "/readmission",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 404, 409),
)
def readmit_patient(patient_id: CareTeamPatientId, act: ActDep) -> EpisodePublic:
    """Open a new episode of treatment for a discharged patient."""
    return use.readmit_patient(act, patient_id=patient_id)


@router.get("/episodes", responses=problem_responses(401, 404))
def list_episodes(patient_id: VisiblePatientId, act: ActDep) -> list[EpisodePublic]:
    """The patient's episodes of care, oldest first; none means in treatment since enrolment."""
    return use.list_episodes(act, patient_id=patient_id)
