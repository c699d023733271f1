"""A safety flag in a clinician's words: its level, why it was raised, how long it has
waited and how long until it escalates. Never a rule id, never the patient's words."""

from datetime import datetime, timedelta
from typing import Any

from app.clinic.i18n import N_, _, ngettext
from app.safety.screening.model import RULE_ID as MODEL_RULE

# Marked for the catalogue; translated where shown (the words of the request's language).
LEVEL_WORDS = {"urgent": N_("Urgent"), "review": N_("For review")}

CATEGORY_WORDS = {
    "plan": N_("a plan or preparation for suicide"),
    "behaviour": N_("recent self-harm or a suicide attempt"),
    "ideation": N_("thoughts of suicide"),
    "ideation_passive": N_("passive thoughts of death"),
    "harm_to_others": N_("thoughts of harming someone else"),
}
QUESTIONNAIRE_RULES = {
    "phq9_item9": N_("PHQ-9 item 9 (thoughts of self-harm or of being better off dead) above zero"),
    "cssrs_high": N_("C-SSRS screener answers at high risk"),
    "cssrs_moderate": N_("C-SSRS screener answers at moderate risk"),
}
OUTCOME_WORDS = {
    "contacted_patient": N_("Contacted the patient"),
    "safety_plan_reviewed": N_("Reviewed the safety plan"),
    "emergency_services": N_("Called emergency services"),
    "no_risk_found": N_("No risk found"),
    "other": N_("Other (see the note)"),
}
POSSIBLE_RISK = N_("possible risk")
# Whole sentences, so a language can order the words its own way.
REASONS = {
    ("entry", "list"): N_("The entry suggested %(what)s (found by the screen's word list)."),
    ("entry", "model"): N_("The entry suggested %(what)s (found by the screen's model)."),
    ("note", "list"): N_(
        "A questionnaire note suggested %(what)s (found by the screen's word list)."
    ),
    ("note", "model"): N_("A questionnaire note suggested %(what)s (found by the screen's model)."),
}


def level_words(level: str) -> str:
    return _(LEVEL_WORDS.get(level, LEVEL_WORDS["review"]))


def outcome_words(outcome: str | None) -> str:
    return _(OUTCOME_WORDS[outcome]) if outcome in OUTCOME_WORDS else ""


def reason(source: str | None, category: str | None, rule: str | None) -> str:
    """Why the flag was raised, in words."""
    if source == "questionnaire" and rule in QUESTIONNAIRE_RULES:
        return _(QUESTIONNAIRE_RULES[rule])
    words = _(CATEGORY_WORDS.get(category or "", POSSIBLE_RISK))
    where = "note" if source == "questionnaire" else "entry"
    how = "model" if rule == MODEL_RULE else "list"
    return _(REASONS[where, how]) % {"what": words}


def duration(delta: timedelta) -> str:
    """A short, rounded length of time: "3 min", "2 h 5 min", "4 days"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    if minutes < 48 * 60:
        h, m = divmod(minutes, 60)
        if m:
            return _("%(hours)d h %(minutes)d min") % {"hours": h, "minutes": m}
        return _("%(hours)d h") % {"hours": h}
    days = minutes // (24 * 60)
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def timing(level: str, raised_at: datetime, now: datetime, after: timedelta) -> dict[str, Any]:
    """The flag's age, and for an urgent one the time left before it escalates."""
    out: dict[str, Any] = {"age": duration(now - raised_at), "escalates_in": None}
    if level == "urgent":
        left = raised_at + after - now
        out["escalated"] = left <= timedelta(0)
        out["escalates_in"] = duration(left)
    return out


def deadline_words(acknowledge_by: datetime | None, overdue: bool) -> dict[str, Any]:
    """Until when the flag may wait: the integration session, or the next dose."""
    if acknowledge_by is None:
        return {"deadline": None, "overdue": False, "before_dose": True}
    return {"deadline": acknowledge_by, "overdue": overdue, "before_dose": False}
