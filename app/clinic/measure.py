"""The care team asks for a questionnaire, through the use case the API calls too."""

import re
import uuid
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from starlette.responses import Response

from app.accounts.access import care_team_patient
from app.clinic.auth import TherapistUser, check_csrf
from app.clinic.deps import ClinicAct
from app.clinic.forms import checked, patient_url
from app.clinic.i18n import N_, _, current
from app.clinic.web import redirect
from app.core.routing import api_router
from app.questionnaires import instruments
from app.questionnaires.schemas import QuestionnaireAssignmentCreate as AssignmentCreate
from app.safety.schemas import SafetyPlanFields
from app.usecases.questionnaires import assign_questionnaire

router = api_router(dependencies=[Depends(check_csrf)])


def short_name(code: str) -> str:
    """ "PHQ-9" from "Patient Health Questionnaire-9 (PHQ-9)": the name clinicians use
    (an instrument with no abbreviation is named by its title in the page's language)."""
    titles = instruments.get_instrument(code).raw["title"]
    title = str(titles.get(current()) or titles["en"])  # the page's language, if it has one
    found = re.search(r"\(([^()]+)\)\s*$", title)
    return found.group(1) if found else title


def _reading(found: dict[str, Any] | None) -> str:
    if not found or found.get("score") is None:
        return "—"
    band = _(str(found.get("severity") or "").replace("_", " "))
    return f"{found['score']:g} ({band})" if band else f"{found['score']:g}"


def score_rows(scores: dict[str, Any]) -> list[dict[str, str]]:
    """The prep's scores table: each charted instrument's baseline, its latest score in
    the previous window and in this one, each with its band."""
    window, previous, baseline = scores["window"], scores["previous_window"], scores["baseline"]
    codes = [c for c in baseline if c in window or c in previous or baseline[c]]
    return [
        {
            "name": short_name(code),
            "baseline": _reading(baseline.get(code)),
            "previous": _reading((previous.get(code) or [None])[-1]),
            "window": _reading((window.get(code) or [None])[-1]),
        }
        for code in codes
    ]


def questionnaire_choices() -> list[tuple[str, str]]:
    return [(code, short_name(code)) for code in instruments.codes()]


PLAN_SECTIONS = [
    (key, (f.description if key == "professionals" else None) or key.replace("_", " ").capitalize())
    for key, f in SafetyPlanFields.model_fields.items()
]
# The sections' labels above, for the catalogue (a test checks they match).
PLAN_SECTION_WORDS = [
    N_("Warning signs"),
    N_("Coping strategies"),
    N_("Distractions"),
    N_("People to ask for help"),
    N_("Clinicians and crisis lines"),
    N_("Making environment safe"),
    N_("Reasons for living"),
]
# Severity bands of the instruments' data files, as the pages write them.
BAND_WORDS = [
    N_("none"),
    N_("minimal"),
    N_("mild"),
    N_("moderate"),
    N_("moderately severe"),
    N_("severe"),
    N_("low"),
    N_("high"),
    N_("below cutoff"),
    N_("at or above provisional cutoff"),
    N_("within cutoff range 31 33"),
    N_("provisional ptsd"),
]


@router.post("/patients/{patient_id}/questionnaires")
def create_questionnaire_assignment(
    request: Request,
    patient_id: uuid.UUID,
    user: TherapistUser,
    act: ClinicAct,
    code: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Ask the patient to answer one instrument once, due now."""
    care_team_patient(patient_id, user.caller, act.db)
    body = checked(AssignmentCreate, {"code": code})
    assign_questionnaire(act, patient_id=patient_id, asked=body)
    return redirect(request, patient_url(patient_id, "questionnaires"), user)


STATUS_WORDS = {
    "due": N_("Due"),
    "upcoming": N_("Upcoming"),
    "answered": N_("Answered"),
    "late": N_("Answered late"),
    "missed": N_("Missed"),
}
REASON_WORDS = {
    "enrolment": N_("At enrolment"),
    "integration": N_("Integration phase"),
    "between_windows": N_("Between windows"),
    "after_dose": N_("After the dose"),
    "after_flag": N_("After a safety flag"),
    "daily": N_("Daily check-in"),
    "assigned": N_("Assigned by the care team"),
}
LANGUAGE_NAMES = {"es": N_("Spanish"), "en": N_("English")}
# The patient page lists this many occurrences, newest first.
OCCURRENCES_SHOWN = 20


def occurrence_rows(schedule: Any) -> list[dict[str, Any]]:
    """The patient's questionnaires, newest first, each named as what it is, with what
    became of it (one superseded by a newer ask is left out: it was never missed)."""
    shown = [o for o in schedule.occurrences if o.status in STATUS_WORDS]
    shown.sort(key=lambda o: o.due_at, reverse=True)
    return [
        {
            "name": short_name(o.code),
            "why": _(REASON_WORDS[o.reason]) if o.reason in REASON_WORDS else o.reason,
            "due_at": o.due_at,
            "status": o.status,
            "status_words": _(STATUS_WORDS[o.status]),
        }
        for o in shown[:OCCURRENCES_SHOWN]
    ]


def not_scheduled_lines(schedule: Any) -> list[str]:
    text = _("%(name)s is not scheduled: it has no verified %(language)s translation.")
    return [
        text
        % {
            "name": short_name(n.code),
            "language": _(LANGUAGE_NAMES[n.locale]) if n.locale in LANGUAGE_NAMES else n.locale,
        }
        for n in schedule.not_scheduled
    ]
