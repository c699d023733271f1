"""The forms' fixed choices, (value, label): the API's own values."""

from app.prompts.models import Technique
from app.safety.schemas import FlagOutcome

OUTCOME_LABELS = {
    FlagOutcome.contacted_patient: "Contacted the patient",
    FlagOutcome.safety_plan_reviewed: "Reviewed the safety plan",
    FlagOutcome.emergency_services: "Called emergency services",
    FlagOutcome.no_risk_found: "No risk found",
    FlagOutcome.other: "Other (say what in the note)",
}
OUTCOMES: list[tuple[str, str]] = [(o.value, OUTCOME_LABELS[o]) for o in FlagOutcome]
TECHNIQUES = [(t.value, t.value.replace("_", " ").capitalize()) for t in Technique]
