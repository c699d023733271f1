"""The therapist's forms: review, acknowledge, integration sessions, prompts.

Each form is checked by the API's own input schema and then calls the same
service functions and writes the same audit events as the /v1 route it mirrors.
"""

import uuid
from typing import Annotated

from fastapi import Depends, Form, Request
from starlette.responses import Response

from app.clinic.auth import TherapistUser, check_csrf
from app.clinic.deps import ClinicAct
from app.clinic.errors import FormInvalid
from app.clinic.forms import (
    AcknowledgeForm,
    MoveForm,
    PromptForm,
    ScheduleForm,
    checked,
    patient_url,
)
from app.clinic.i18n import _
from app.clinic.router_therapist import OnPatient, PatientForm
from app.clinic.web import PREFIX, redirect, render
from app.core.errors import AppError
from app.core.routing import api_router
from app.entries.deps import readable_entry
from app.entries.presenters import entry_view
from app.entries.queries import entry_with_session_time
from app.integration.errors import IntegrationBeforeDose, IntegrationInPast
from app.integration.schemas import IntegrationCreate, IntegrationMove
from app.prompts.schemas import AssignmentCreate
from app.reviews.schemas import ReviewPut
from app.safety.schemas import FlagAcknowledge
from app.usecases import care
from app.usecases.entries import add_reviews

router = api_router(dependencies=[Depends(check_csrf)])


@router.post("/entries/{entry_id}/review")
def create_review(
    request: Request,
    entry_id: uuid.UUID,
    user: TherapistUser,
    act: ClinicAct,
    note: Annotated[str, Form(max_length=6000)] = "",
    discuss: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Mark an entry reviewed, with a private note (read by its author alone) and whether
    to discuss it."""
    db, rules, ctx = act.db, act.rules, act.ctx
    entry = readable_entry(entry_id, user.caller, db).entry
    body = checked(
        ReviewPut, {"note": note or None, "discuss": discuss is not None, "visibility": "author"}
    )
    care.review_entry(act, entry=entry, given=body)
    if not request.headers.get("HX-Request"):
        return redirect(request, patient_url(entry.patient_id, f"entry-{entry.id}"), user)
    view = entry_view(*entry_with_session_time(db, entry), keyring=ctx.keyring, rules=rules)
    add_reviews(act, [view])
    return render(request, "_entry.html", {"e": view, "just_reviewed": True}, user=user)


@router.post("/patients/{patient_id}/reviews")
def create_reviews(
    request: Request,
    patient_id: uuid.UUID,
    user: TherapistUser,
    act: ClinicAct,
    entry_id: Annotated[list[uuid.UUID], Form(max_length=care.MAX_BULK_REVIEWS)] = [],  # noqa: B006
) -> Response:
    """Mark the selected entries reviewed, as POST /v1/patients/{id}/reviews does: a note
    or discussion mark already given stays."""
    done, _skipped = care.review_entries(act, patient_id=patient_id, entry_ids=entry_id)
    url = f"{PREFIX}/patients/{patient_id}?reviewed={len(done)}#timeline"
    return redirect(request, url, user)


@router.post("/flags/{flag_id}/acknowledge")
def create_acknowledgement(
    request: Request,
    flag_id: uuid.UUID,
    user: TherapistUser,
    act: ClinicAct,
    form: Annotated[AcknowledgeForm, Form()],
) -> Response:
    """Close a flag with the outcome the therapist chose and an optional note."""
    flag, _mine = care.flag_for_acknowledgement(act, flag_id, user.caller.role)
    try:
        body = checked(FlagAcknowledge, {"outcome": form.outcome, "note": form.note or None})
    except FormInvalid as exc:
        on = OnPatient(request, user, act, flag.patient_id)
        return on.refused(f"ack-{flag.id}", exc.extra["fields"], form.model_dump())
    flag = care.acknowledge_flag(act, flag=flag, given=body)
    url = f"{PREFIX}/patients/{flag.patient_id}?acknowledged={body.outcome.value}#flags"
    return redirect(request, url, user)


@router.post("/patients/{patient_id}/integration-sessions")
def create_integration_session(on: PatientForm, form: Annotated[ScheduleForm, Form()]) -> Response:
    """Schedule the integration session of one window (outside the range with a warning;
    before the dose or in the past refused, beside the field, with the time kept)."""
    try:
        body = checked(IntegrationCreate, form.local(on.user))
        _item, session = care.schedule_integration(on.act, patient_id=on.patient_id, new=body)
    except (FormInvalid, IntegrationBeforeDose, IntegrationInPast) as exc:
        return _refused(on, f"schedule-{form.session_id}", exc, form.scheduled_at)
    return on.back(f"window-{session.id}", "scheduled=1")


def _refused(on: OnPatient, key: str, exc: AppError, typed: str) -> Response:
    """The patient page again, the message beside the time field and the time kept."""
    said = f"{_(exc.title)}. {_(exc.detail)}" if exc.detail else f"{_(exc.title)}."
    fields = exc.extra.get("fields") or {"scheduled_at": said}
    message = " ".join(fields.values())
    return on.refused(key, {"scheduled_at": message}, {"scheduled_at": typed})


@router.post("/patients/{patient_id}/integration-sessions/{item_id}/move")
def update_integration_session(
    item_id: uuid.UUID, on: PatientForm, form: Annotated[MoveForm, Form()]
) -> Response:
    """Move an integration session (the same refusals as scheduling)."""
    try:
        at = checked(IntegrationMove, form.local(on.user)).scheduled_at
        item, _session = care.move_integration(
            on.act, patient_id=on.patient_id, item_id=item_id, scheduled_at=at
        )
    except (FormInvalid, IntegrationBeforeDose, IntegrationInPast) as exc:
        return _refused(on, f"move-{item_id}", exc, form.scheduled_at)
    return on.back(f"window-{item.session_id}", "moved=1")


@router.post("/patients/{patient_id}/integration-sessions/{item_id}/cancel")
def delete_integration_session(item_id: uuid.UUID, on: PatientForm) -> Response:
    """Cancel an integration session."""
    session_id = care.cancel_integration(on.act, patient_id=on.patient_id, item_id=item_id)
    return on.back(f"window-{session_id}")


@router.post("/patients/{patient_id}/prompts")
def create_prompt_assignment(on: PatientForm, form: Annotated[PromptForm, Form()]) -> Response:
    """Assign a library prompt, or write a custom one for this patient."""
    body = checked(AssignmentCreate, form.fields())
    care.assign_prompt(on.act, patient_id=on.patient_id, given=body)
    return on.back("prompts")
