"""The therapist's pages: the queue, a patient, and the printable integration prep."""

import uuid

from fastapi import Request
from starlette.responses import Response

from app.accounts.access import care_team_patient
from app.accounts.service import get_user
from app.clinic import patient_page
from app.clinic.actions import OUTCOMES, TECHNIQUES
from app.clinic.auth import TherapistUser
from app.clinic.deps import ClinicAudit
from app.clinic.measure import PLAN_SECTIONS, questionnaire_choices, short_name
from app.clinic.web import render
from app.core.clock import Now
from app.core.context import Ctx
from app.core.db import SessionDep
from app.core.routing import api_router
from app.questionnaires.clinic import queue_fields
from app.questionnaires.deps import Measure
from app.sessions.deps import Rules
from app.sessions.service import get_session
from app.therapist.queue import build_queue, queue_view
from app.therapist.summary import build_summary

router = api_router()


@router.get("/")
def read_queue_page(
    request: Request,
    user: TherapistUser,
    db: SessionDep,
    rules: Rules,
    now: Now,
    audit: ClinicAudit,
    measure: Measure,
) -> Response:
    """The queue: the API's order, flagged patients first."""
    items = build_queue(db, therapist_id=user.caller.id, rules=rules, now=now)
    ids = [i.patient_id for i in items]
    audit.record_many("queue.read", patient_ids=ids, resource_type="queue")
    # The same rows as GET /v1/therapist/queue: the window, flags, PHQ-9 band, overdue.
    scores = queue_fields(db, ids, measure, now)
    rows = [queue_view(i, rules, now) | scores[i.patient_id] for i in items]
    for r in rows:
        r["overdue_names"] = [short_name(c) for c in r["overdue_codes"]]
    return render(request, "queue.html", {"rows": rows}, user=user)


@router.get("/patients/{patient_id}")
def read_patient_page(
    request: Request,
    patient_id: uuid.UUID,
    user: TherapistUser,
    db: SessionDep,
    ctx: Ctx,
    rules: Rules,
    now: Now,
    audit: ClinicAudit,
) -> Response:
    """A patient: windows on a timeline, shared entries, charts, flags and prompts."""
    care_team_patient(patient_id, user.caller, db)
    page = patient_page.build(
        db, patient_id=patient_id, keyring=ctx.keyring, rules=rules, audit=audit, now=now
    )
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
    db: SessionDep,
    ctx: Ctx,
    rules: Rules,
    audit: ClinicAudit,
) -> Response:
    """The printable integration prep of one window."""
    care_team_patient(patient_id, user.caller, db)
    session = get_session(db, session_id, patient_id=patient_id)
    audit.record(
        "session.summary", patient_id=patient_id, resource_type="session", resource_id=session_id
    )
    summary = build_summary(db, session=session, keyring=ctx.keyring, rules=rules)
    patient = get_user(db, patient_id)
    context = {"s": summary, "patient_name": patient.display_name}
    return render(request, "summary.html", context, user=user)
