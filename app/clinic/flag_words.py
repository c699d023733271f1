"""A safety flag in a clinician's words: its level, why it was raised, how long it has
waited and how long until it escalates. Never a rule id, never the patient's words."""

from datetime import datetime, timedelta
from typing import Any

from app.safety.screening.model import RULE_ID as MODEL_RULE

LEVEL_WORDS = {"urgent": "Urgent", "review": "For review"}

CATEGORY_WORDS = {
    "plan": "a plan or preparation for suicide",
    "behaviour": "recent self-harm or a suicide attempt",
    "ideation": "thoughts of suicide",
    "ideation_passive": "passive thoughts of death",
    "harm_to_others": "thoughts of harming someone else",
}
QUESTIONNAIRE_RULES = {
    "phq9_item9": "PHQ-9 item 9 (thoughts of self-harm or of being better off dead) above zero",
    "cssrs_high": "C-SSRS screener answers at high risk",
    "cssrs_moderate": "C-SSRS screener answers at moderate risk",
}
OUTCOME_WORDS = {
    "contacted_patient": "Contacted the patient",
    "safety_plan_reviewed": "Reviewed the safety plan",
    "emergency_services": "Called emergency services",
    "no_risk_found": "No risk found",
    "other": "Other (see the note)",
}


def reason(source: str | None, category: str | None, rule: str | None) -> str:
    """Why the flag was raised, in words."""
    if source == "questionnaire" and rule in QUESTIONNAIRE_RULES:
        return QUESTIONNAIRE_RULES[rule]
    words = CATEGORY_WORDS.get(category or "", "possible risk")
    where = "a questionnaire note" if source == "questionnaire" else "the entry"
    how = "the screen's model" if rule == MODEL_RULE else "the screen's word list"
    return f"{where.capitalize()} suggested {words} (found by {how})."


def duration(delta: timedelta) -> str:
    """A short, rounded length of time: "3 min", "2 h 5 min", "4 days"."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        h, m = divmod(minutes, 60)
        return f"{h} h {m} min" if m else f"{h} h"
    return f"{minutes // (24 * 60)} days"


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
