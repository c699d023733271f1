"""The therapist's pages: the queue, a patient, and the printable integration prep."""

import uuid

from fastapi import Request
from starlette.responses import Response

from app.accounts.access import care_team_patient
from app.accounts.service import get_user
from app.clinic import patient_page
from app.clinic.actions import OUTCOMES, TECHNIQUES
from app.clinic.auth import TherapistUser
from app.clinic.deps import ClinicAct
from app.clinic.measure import PLAN_SECTIONS, questionnaire_choices, short_name
from app.clinic.web import render
from app.core.routing import api_router
from app.usecases import therapist

router = api_router()


@router.get("/")
def read_queue_page(request: Request, user: TherapistUser, act: ClinicAct) -> Response:
    """The queue: the API's order and rows, flagged patients first."""
    rows = therapist.read_queue(act)
    for r in rows:
        r["overdue_names"] = [short_name(c) for c in r["overdue_codes"]]
    return render(request, "queue.html", {"rows": rows}, user=user)


@router.get("/patients/{patient_id}")
def read_patient_page(
    request: Request,
    patient_id: uuid.UUID,
    user: TherapistUser,
    act: ClinicAct,
) -> Response:
    """A patient: windows on a timeline, shared entries, charts, flags and prompts."""
    care_team_patient(patient_id, user.caller, act.db)
    page = patient_page.build(act, patient_id=patient_id)
    now = act.now
    context = {
        "page": page,
        "outcomes": OUTCOMES,
        "techniques": TECHNIQUES,
        "questionnaires": questionnaire_choices(),
        "plan_sections": PLAN_SECTIONS,
        "now": now,
    }
    return render(request, "patient.html", context, user=user)


@router.get("/patients/{patient_id}/sessions/{session_id}/summary")
def read_summary_page(
    request: Request,
    patient_id: uuid.UUID,
    session_id: uuid.UUID,
    user: TherapistUser,
    act: ClinicAct,
) -> Response:
    """The printable integration prep of one window."""
    care_team_patient(patient_id, user.caller, act.db)
    summary = therapist.read_summary(act, patient_id=patient_id, session_id=session_id)
    patient = get_user(act.db, patient_id)
    context = {"s": summary, "patient_name": patient.display_name}
    return render(request, "summary.html", context, user=user)
