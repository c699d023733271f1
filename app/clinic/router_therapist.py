"""The therapist's pages: the queue, a patient, and the printable integration prep."""

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from starlette.responses import Response

from app.accounts.access import care_team_patient
from app.accounts.service import get_user
from app.clinic import calendar, patient_page
from app.clinic import flag_words as words
from app.clinic.auth import ClinicUser, ClinicUserDep, TherapistUser
from app.clinic.choices import OUTCOME_LABELS, OUTCOMES, TECHNIQUES
from app.clinic.deps import ClinicAct
from app.clinic.forms import CaseloadView, QueueView
from app.clinic.i18n import N_, _
from app.clinic.measure import (
    PLAN_SECTIONS,
    not_scheduled_lines,
    occurrence_rows,
    questionnaire_choices,
    score_rows,
    short_name,
)
from app.clinic.web import PREFIX, redirect, render
from app.core.routing import api_router
from app.safety.schemas import FlagOutcome
from app.usecases import care, questionnaires, therapist
from app.usecases.act import Act

router = api_router()


# What the queue can be narrowed to, and how it can be ordered (the API's order first).
QUEUE_FILTERS: dict[str, tuple[str, Any]] = {
    "all": (N_("Everyone"), lambda r: True),
    "flagged": (N_("Open safety flags"), lambda r: r["open_flags"] > 0),
    "unreviewed": (N_("Unreviewed entries"), lambda r: r["unreviewed"] > 0),
    "questionnaires": (N_("Missed questionnaires"), lambda r: bool(r["questionnaires_overdue"])),
    "window_open": (N_("Window open"), lambda r: bool(r["window"] and r["window"]["open"])),
}
QUEUE_SORTS: dict[str, tuple[str, Any]] = {
    "attention": (N_("Most urgent first"), None),
    "name": (N_("Name"), lambda r: r["patient"]["display_name"].casefold()),
    "unreviewed": (N_("Most unreviewed"), lambda r: -r["unreviewed"]),
    "integration": (
        N_("Next integration session"),
        lambda r: (
            r["next_integration_session"] is None,
            r["next_integration_session"]["scheduled_at"] if r["next_integration_session"] else 0,
        ),
    ),
}


@router.get("/")
def read_queue_page(
    request: Request, user: TherapistUser, act: ClinicAct, view: Annotated[QueueView, Query()]
) -> Response:
    """The queue: the API's rows, flagged patients first unless sorted otherwise, and
    narrowed to one kind of need on request (unknown choices fall back to the default)."""
    show = view.show if view.show in QUEUE_FILTERS else "all"
    sort = view.sort if view.sort in QUEUE_SORTS else "attention"
    everyone = therapist.read_queue(act)
    rows = [r for r in everyone if QUEUE_FILTERS[show][1](r)]
    key = QUEUE_SORTS[sort][1]
    if key is not None:
        rows.sort(key=key)
    after = act.escalation.after
    for r in rows:
        r["overdue_names"] = [short_name(c) for c in r["overdue_codes"]]
        r["flag_rows"] = [
            {"level": words.level_words(f["level"]), "urgent": f["level"] == "urgent"}
            | words.timing(f["level"], f["raised_at"], act.now, after)
            | words.deadline_words(f["acknowledge_by"], f["overdue"])
            for f in r["safety_flags"]
        ]
    context = {
        "live_mark": therapist.open_flags_mark(act),
        "rows": rows,
        "total": len(everyone),
        "show": show,
        "sort": sort,
        "filters": [(k, v[0]) for k, v in QUEUE_FILTERS.items()],
        "sorts": [(k, v[0]) for k, v in QUEUE_SORTS.items()],
    }
    return render(request, "queue.html", context, user=user)


@router.get("/live/flags")
def read_live_flags(
    request: Request,
    user: TherapistUser,
    act: ClinicAct,
    mark: Annotated[str, Query(max_length=40)] = "",
    patient_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Response:
    """Polled every 30 s by the queue and the patient page: says when the open safety
    flags changed. It never renews the idle sign-out (no cookie is set) and reads no
    record, so a page left open still signs out and writes no audit rows."""
    now_mark = therapist.open_flags_mark(act, patient_id=patient_id)
    context = {"mark": mark, "patient_id": patient_id, "changed": now_mark != mark}
    return render(request, "_live_flags.html", context, user=None)


@router.get("/patients")
def read_patients_page(
    request: Request, user: ClinicUserDep, act: ClinicAct, view: Annotated[CaseloadView, Query()]
) -> Response:
    """The whole caseload, searchable and sortable (an admin sees names, never text)."""
    rows = therapist.read_caseload(act, query=view.q, sort=view.sort)
    context = {"rows": rows, **view.model_dump(), "is_admin": user.caller.role.value == "admin"}
    return render(request, "patients.html", context, user=user)


@router.get("/patients/{patient_id}")
def read_patient_page(
    request: Request,
    patient_id: uuid.UUID,
    user: TherapistUser,
    act: ClinicAct,
) -> Response:
    """A patient: windows on a timeline, shared entries, charts, flags and prompts."""
    care_team_patient(patient_id, user.caller, act.db)
    done = request.query_params.get("acknowledged", "")
    acknowledged = OUTCOME_LABELS.get(FlagOutcome(done)) if done in set(FlagOutcome) else None
    q = request.query_params
    shown = q.get("entries", "all")
    return patient_response(
        request,
        user,
        act,
        patient_id,
        acknowledged=acknowledged,
        notice_scheduled="scheduled" in q,
        notice_moved="moved" in q,
        entries_shown=shown if shown in patient_page.ENTRY_FILTERS else "all",
        bulk_reviewed=q["reviewed"] if q.get("reviewed", "").isdigit() else None,
        plan_saved="plan_saved" in q,
    )


@router.get("/patients/{patient_id}/integration-sessions/{item_id}/calendar.ics")
def read_integration_calendar(
    patient_id: uuid.UUID, item_id: uuid.UUID, user: TherapistUser, act: ClinicAct
) -> Response:
    """The integration session as a calendar event: the time and a neutral title, no
    health detail beyond what the therapist's own calendar needs."""
    care_team_patient(patient_id, user.caller, act.db)
    item, _session_at = care.read_integration(act, patient_id=patient_id, item_id=item_id)
    patient = get_user(act.db, patient_id)
    body = calendar.event(
        uid=f"integration-{item.id}@kap-journal",
        start=item.scheduled_at,
        minutes=60,
        title=_("Integration session: %(name)s") % {"name": patient.display_name},
        stamp=act.now,
    )
    headers = {"Content-Disposition": 'attachment; filename="integration-session.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@dataclass(frozen=True)
class OnPatient:
    """A therapist's form about one patient of their care team (checked once, by
    on_patient), and the two answers it can give: back to the patient page, or the
    page again with the form refused."""

    request: Request
    user: ClinicUser
    act: Act
    patient_id: uuid.UUID

    def back(self, anchor: str, query: str = "") -> Response:
        url = f"{PREFIX}/patients/{self.patient_id}" + (f"?{query}" if query else "")
        return redirect(self.request, f"{url}#{anchor}", self.user)

    def refused(
        self, key: str, errors: dict[str, str], typed: dict[str, str], *, status: int = 422
    ) -> Response:
        """The patient page again after the form `key` was refused: its errors beside
        its fields, what was typed still in them."""
        return patient_response(
            self.request,
            self.user,
            self.act,
            self.patient_id,
            status=status,
            errors={key: errors},
            values={key: typed},
        )


def on_patient(
    request: Request, patient_id: uuid.UUID, user: TherapistUser, act: ClinicAct
) -> OnPatient:
    care_team_patient(patient_id, user.caller, act.db)
    return OnPatient(request, user, act, patient_id)


PatientForm = Annotated[OnPatient, Depends(on_patient)]


def patient_response(
    request: Request,
    user: ClinicUser,
    act: Act,
    patient_id: uuid.UUID,
    *,
    status: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    **extra: Any,
) -> Response:
    """The patient page; after a refused form, with the errors beside their fields and
    what was typed still in them."""
    page = patient_page.build(act, patient_id=patient_id)
    patient_page.narrow_entries(page, extra.get("entries_shown", "all"))
    schedule = questionnaires.read_schedule(act, patient_id=patient_id)
    context = {
        "live_mark": therapist.open_flags_mark(act, patient_id=patient_id),
        "occurrences": occurrence_rows(schedule),
        "not_scheduled": not_scheduled_lines(schedule),
        "entry_filters": patient_page.ENTRY_FILTERS,
        "page": page,
        "flagged_entries": page.flagged_entries,
        "outcomes": OUTCOMES,
        "techniques": TECHNIQUES,
        "questionnaires": questionnaire_choices(),
        "plan_sections": PLAN_SECTIONS,
        "now": act.now,
        "errors": errors or {},
        "values": values or {},
        "live": True,
    } | extra
    return render(request, "patient.html", context, user=user, status=status)


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
    summary = therapist.read_prep(act, patient_id=patient_id, session_id=session_id)
    patient = get_user(act.db, patient_id)
    context = {
        "s": summary,
        "patient_name": patient.display_name,
        "text_lang": patient.locale,
        "score_rows": score_rows(summary["questionnaire_scores"]),
        "plan_sections": PLAN_SECTIONS,
        "clinic_name": act.settings.clinic_name,
        "printed_at": act.now,
        "level_words": words.LEVEL_WORDS,
        "outcome_words": words.OUTCOME_WORDS,
        "reason": words.reason,
    }
    return render(request, "summary.html", context, user=user)
