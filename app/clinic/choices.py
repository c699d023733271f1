"""The forms' fixed choices, (value, label): the API's own values."""

from app.clinic.i18n import N_
from app.prompts.models import Technique
from app.safety.schemas import FlagOutcome

# English labels, marked for the catalogue; the templates show them with _().
OUTCOME_LABELS = {
    FlagOutcome.contacted_patient: N_("Contacted the patient"),
    FlagOutcome.safety_plan_reviewed: N_("Reviewed the safety plan"),
    FlagOutcome.emergency_services: N_("Called emergency services"),
    FlagOutcome.no_risk_found: N_("No risk found"),
    FlagOutcome.other: N_("Other (say what in the note)"),
}
OUTCOMES: list[tuple[str, str]] = [(o.value, OUTCOME_LABELS[o]) for o in FlagOutcome]


def technique_label(value: str) -> str:
    """ "Somatic awareness" from "somatic_awareness": the English label of a technique."""
    return value.replace("_", " ").capitalize()


TECHNIQUES = [(t.value, technique_label(t.value)) for t in Technique]
# Each technique's label and each phase's name, for the catalogue (a test checks the lists
# cover the enums).
TECHNIQUE_WORDS = [
    N_("Capture"),
    N_("Perception shift"),
    N_("Mindfulness"),
    N_("Guided imagery"),
    N_("Cognitive restructuring"),
    N_("Values action"),
]
PHASE_WORDS = [N_("Acute"), N_("Early"), N_("Integration"), N_("Between windows")]
ROLE_WORDS = [N_("Patient"), N_("Therapist"), N_("Admin"), N_("System")]
