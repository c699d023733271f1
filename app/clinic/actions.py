"""The therapist's forms: review, acknowledge, integration sessions, prompts.

Each form is checked by the API's own input schema and then calls the same
service functions and writes the same audit events as the /v1 route it mirrors.
"""

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Depends, Form, Request
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from app.accounts.access import care_team_patient, is_on_care_team
from app.clinic.auth import TherapistUser, check_csrf
from app.clinic.deps import ClinicAudit
from app.clinic.patient_page import with_reviews
from app.clinic.web import PREFIX, redirect, render
from app.core.clock import Now
from app.core.context import Ctx
from app.core.db import SessionDep
from app.core.errors import AppError
from app.core.routing import api_router
from app.entries.deps import readable_entry
from app.entries.presenters import entry_view
from app.entries.queries import entry_with_session_time
from app.integration import service as integration
from app.integration.schemas import IntegrationCreate, IntegrationMove
from app.prompts import service as prompts
from app.prompts.models import Technique
from app.prompts.schemas import AssignmentCreate
from app.reviews import service as reviews
from app.reviews.schemas import ReviewPut
from app.safety import flags
from app.safety.schemas import FlagAcknowledge, FlagOutcome
from app.sessions.deps import Rules
from app.sessions.service import get_session

router = api_router(dependencies=[Depends(check_csrf)])

# The acknowledge form's choices, (value, label): the API's own outcomes.
OUTCOME_LABELS = {
    FlagOutcome.contacted_patient: "Contacted the patient",
    FlagOutcome.safety_plan_reviewed: "Reviewed the safety plan",
    FlagOutcome.emergency_services: "Called emergency services",
    FlagOutcome.no_risk_found: "No risk found",
    FlagOutcome.other: "Other (say what in the note)",
}
OUTCOMES: list[tuple[str, str]] = [(o.value, OUTCOME_LABELS[o]) for o in FlagOutcome]
TECHNIQUES = [(t.value, t.value.replace("_", " ").capitalize()) for t in Technique]

M = TypeVar("M", bound=BaseModel)


class FormInvalid(AppError):
    status = 422
    code = "form_invalid"
    title = "The form is not valid"


def _checked(model: type[M], data: dict[str, Any]) -> M:
    """The API's own schema decides what is valid: no second copy of its rules."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = sorted({str(e["loc"][-1]) if e["loc"] else "form" for e in exc.errors()})
        raise FormInvalid("Check these fields: " + ", ".join(fields) + ".") from exc


def _local(value: str, tz: str) -> datetime | str:
    """A datetime-local field, read in the therapist's time zone."""
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        return value  # the schema reports it
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _patient_url(patient_id: uuid.UUID, anchor: str = "") -> str:
    return f"{PREFIX}/patients/{patient_id}" + (f"#{anchor}" if anchor else "")


@router.post("/entries/{entry_id}/review")
def create_review(
    request: Request,
    entry_id: uuid.UUID,
    user: TherapistUser,
    db: SessionDep,
    ctx: Ctx,
    rules: Rules,
    now: Now,
    audit: ClinicAudit,
    note: Annotated[str, Form(max_length=6000)] = "",
    discuss: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Mark an entry reviewed, with a private note and whether to discuss it."""
    entry = readable_entry(entry_id, user.caller, db).entry
    body = _checked(ReviewPut, {"note": note or None, "discuss": discuss is not None})
    reviews.review_entry(
        db,
        entry=entry,
        therapist_id=user.caller.id,
        note=body.note,
        discuss=body.discuss,
        keyring=ctx.keyring,
        now=now,
    )
    audit.record(
        "entry.review", patient_id=entry.patient_id, resource_type="entry", resource_id=entry.id
    )
    if not request.headers.get("HX-Request"):
        return redirect(request, _patient_url(entry.patient_id, f"entry-{entry.id}"), user)
    view = entry_view(*entry_with_session_time(db, entry), keyring=ctx.keyring, rules=rules)
    with_reviews(db, [view], ctx.keyring)
    return render(request, "_entry.html", {"e": view, "just_reviewed": True}, user=user)


@router.post("/flags/{flag_id}/acknowledge")
def create_acknowledgement(
    request: Request,
    flag_id: uuid.UUID,
    user: TherapistUser,
    db: SessionDep,
    now: Now,
    audit: ClinicAudit,
    ctx: Ctx,
    outcome: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form(max_length=6000)] = "",
) -> Response:
    """Close a flag with its outcome and an optional note, as the API does."""
    flag = flags.get_flag(db, flag_id)
    if not is_on_care_team(db, therapist_id=user.caller.id, patient_id=flag.patient_id):
        raise flags.FlagNotFound()
    body = _checked(FlagAcknowledge, {"outcome": outcome, "note": note or None})
    flag = flags.acknowledge(
        db,
        flag=flag,
        by=user.caller.id,
        outcome=body.outcome,
        note=body.note,
        keyring=ctx.keyring,
        now=now,
    )
    audit.record(
        "safety_flag.acknowledge",
        patient_id=flag.patient_id,
        resource_type="safety_flag",
        resource_id=flag.id,
    )
    return redirect(request, _patient_url(flag.patient_id, "flags"), user)


@router.post("/patients/{patient_id}/integration-sessions")
def create_integration_session(
    request: Request,
    patient_id: uuid.UUID,
    user: TherapistUser,
    db: SessionDep,
    now: Now,
    audit: ClinicAudit,
    session_id: Annotated[str, Form(max_length=64)] = "",
    scheduled_at: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Schedule the integration session of one window (outside the range with a warning)."""
    care_team_patient(patient_id, user.caller, db)
    body = _checked(
        IntegrationCreate,
        {"session_id": session_id, "scheduled_at": _local(scheduled_at, user.timezone)},
    )
    session = get_session(db, body.session_id, patient_id=patient_id)
    item = integration.schedule(
        db,
        patient_id=patient_id,
        session=session,
        scheduled_at=body.scheduled_at,
        therapist_id=user.caller.id,
        now=now,
    )
    audit.record(
        "integration.create",
        patient_id=patient_id,
        resource_type="integration_session",
        resource_id=item.id,
    )
    return redirect(request, _patient_url(patient_id, f"window-{session.id}"), user)


@router.post("/patients/{patient_id}/integration-sessions/{item_id}/move")
def update_integration_session(
    request: Request,
    patient_id: uuid.UUID,
    item_id: uuid.UUID,
    user: TherapistUser,
    db: SessionDep,
    now: Now,
    audit: ClinicAudit,
    scheduled_at: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Move an integration session."""
    care_team_patient(patient_id, user.caller, db)
    item = integration.get(db, patient_id=patient_id, item_id=item_id)
    body = _checked(IntegrationMove, {"scheduled_at": _local(scheduled_at, user.timezone)})
    item = integration.move(db, item=item, scheduled_at=body.scheduled_at, now=now)
    audit.record(
        "integration.update",
        patient_id=patient_id,
        resource_type="integration_session",
        resource_id=item.id,
    )
    return redirect(request, _patient_url(patient_id, f"window-{item.session_id}"), user)


@router.post("/patients/{patient_id}/integration-sessions/{item_id}/cancel")
def delete_integration_session(
    request: Request,
    patient_id: uuid.UUID,
    item_id: uuid.UUID,
    user: TherapistUser,
    db: SessionDep,
    now: Now,
    audit: ClinicAudit,
) -> Response:
    """Cancel an integration session."""
    care_team_patient(patient_id, user.caller, db)
    item = integration.get(db, patient_id=patient_id, item_id=item_id)
    audit.record(
        "integration.delete",
        patient_id=patient_id,
        resource_type="integration_session",
        resource_id=item.id,
    )
    session_id = item.session_id
    integration.remove(db, item=item, now=now)
    return redirect(request, _patient_url(patient_id, f"window-{session_id}"), user)


@router.post("/patients/{patient_id}/prompts")
def create_prompt_assignment(
    request: Request,
    patient_id: uuid.UUID,
    user: TherapistUser,
    db: SessionDep,
    now: Now,
    audit: ClinicAudit,
    kind: Annotated[str, Form(max_length=16)] = "library",
    prompt_id: Annotated[str, Form(max_length=64)] = "",
    title: Annotated[str, Form(max_length=200)] = "",
    text: Annotated[str, Form(max_length=3000)] = "",
    technique: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Assign a library prompt, or write a custom one for this patient."""
    care_team_patient(patient_id, user.caller, db)
    data: dict[str, Any] = (
        {"prompt_id": prompt_id or None}
        if kind == "library"
        else {"title": title or None, "text": text or None, "technique": technique or None}
    )
    body = _checked(AssignmentCreate, data)
    assignment, _prompt = prompts.assign(
        db, patient_id=patient_id, therapist_id=user.caller.id, **body.model_dump(), now=now
    )
    audit.record(
        "prompt.assign",
        patient_id=patient_id,
        resource_type="prompt_assignment",
        resource_id=assignment.id,
    )
    return redirect(request, _patient_url(patient_id, "prompts"), user)
