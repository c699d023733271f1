"""The one place that decides who may see a patient's data."""

import uuid
from typing import Annotated

from fastapi import Depends

from app.accounts.deps import CurrentCaller
from app.accounts.errors import PatientNotFound
from app.accounts.models import Role
from app.accounts.service import is_on_care_team

# Care-team reads, for other domains to ask without reaching into the service.
from app.core.db import DbDep


def can_see_patient(db: DbDep, caller_id: uuid.UUID, role: Role, patient_id: uuid.UUID) -> bool:
    if role == Role.patient:
        return caller_id == patient_id
    if role == Role.therapist:
        return is_on_care_team(db, therapist_id=caller_id, patient_id=patient_id)
    return False  # admins run the clinic; they never read patient records


def care_team_patient(patient_id: uuid.UUID, caller: CurrentCaller, db: DbDep) -> uuid.UUID:
    """The path's patient, if the caller is a therapist on their care team; else 404."""
    if caller.role != Role.therapist or not is_on_care_team(
        db, therapist_id=caller.id, patient_id=patient_id
    ):
        raise PatientNotFound()
    return patient_id


def patient_or_care_team(patient_id: uuid.UUID, caller: CurrentCaller, db: DbDep) -> uuid.UUID:
    """The path's patient, for the patient themself or their care team; else 404."""
    if not can_see_patient(db, caller.id, caller.role, patient_id):
        raise PatientNotFound()
    return patient_id


CareTeamPatientId = Annotated[uuid.UUID, Depends(care_team_patient)]
VisiblePatientId = Annotated[uuid.UUID, Depends(patient_or_care_team)]
