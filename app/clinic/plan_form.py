"""The care team writes the safety plan with the patient, through the use case the API
calls too, with the version it read (If-Match): a plan changed meanwhile is not
overwritten; the form comes back with what was typed and says so."""

from typing import Annotated, Any

from fastapi import Depends, Form
from starlette.responses import Response

from app.clinic.auth import check_csrf
from app.clinic.errors import FormInvalid
from app.clinic.forms import checked
from app.clinic.i18n import _
from app.clinic.router_therapist import PatientForm
from app.core.routing import api_router
from app.safety.errors import PlanIfMatchRequired, PlanVersionMismatch
from app.safety.schemas import SafetyPlanFields, SafetyPlanUpdate
from app.usecases import safety_plan

router = api_router(dependencies=[Depends(check_csrf)])
# Sections of people to reach: one "name: how to reach them" per line.
CONTACT_SECTIONS = {"people_to_ask_for_help", "professionals"}
KEY = "safety-plan"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _contact(line: str) -> dict[str, str]:
    name, _, way = line.partition(":")
    return {"name": name.strip(), "contact": way.strip() or name.strip()}


def parse(form: dict[str, str]) -> dict[str, Any]:
    """The form's text boxes as the API's plan: one item per line."""
    return {
        key: [_contact(x) for x in _lines(form.get(key, ""))]
        if key in CONTACT_SECTIONS
        else _lines(form.get(key, ""))
        for key in SafetyPlanFields.model_fields
    }


Box = Annotated[str, Form(max_length=5000)]


@router.post("/patients/{patient_id}/safety-plan")
def update_safety_plan(
    on: PatientForm,
    warning_signs: Box = "",
    coping_strategies: Box = "",
    distractions: Box = "",
    people_to_ask_for_help: Box = "",
    professionals: Box = "",
    making_environment_safe: Box = "",
    reasons_for_living: Box = "",
    version: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Save the plan written with the patient, as PUT /v1/patients/{id}/safety-plan does."""
    typed = {k: v for k, v in locals().items() if k in SafetyPlanFields.model_fields}
    typed["version"] = version
    if_match = f'"v{version}"' if version.isdigit() else None
    try:
        body = checked(SafetyPlanUpdate, parse(typed))
        safety_plan.save_plan(on.act, patient_id=on.patient_id, new=body, if_match=if_match)
    except FormInvalid as exc:
        return on.refused(KEY, {"form": " ".join(exc.extra["fields"].values())}, typed)
    except (PlanVersionMismatch, PlanIfMatchRequired):
        message = _(
            "The plan changed while you were writing (the patient may have edited it). "
            "It is shown above as it is now; what you typed is kept here. Compare, then save."
        )
        return on.refused(KEY, {"form": message}, typed, status=409)
    return on.back("safety-plan", "plan_saved=1")
