"""Safety notices, crisis resources, flags and the safety plan as the API shows them."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from app.core import examples as ex
from app.core.fields import NoNulStr

FlagLevel = Literal["urgent", "review"]
LEVEL_DESCRIPTION = (
    "urgent: the care team and on-call staff are told at once and it escalates if "
    "nobody acknowledges it; review: the care team's queue, without urgency"
)

_RESOURCE = {"label": "988 Suicide & Crisis Lifeline (US)", "contact": "Call or text 988"}


PLAN_ITEMS = 20  # at most this many entries in each list of the plan
PlanText = Annotated[NoNulStr, Field(min_length=1, max_length=500)]
ContactName = Annotated[NoNulStr, Field(min_length=1, max_length=120)]
ContactWay = Annotated[NoNulStr, Field(min_length=1, max_length=200)]
NoteText = Annotated[NoNulStr, Field(min_length=1, max_length=2000)]


class CrisisResource(BaseModel):
    model_config = ex.examples(_RESOURCE)

    label: str
    contact: str
    channel: Literal["call", "text", "chat", "emergency"] | None = Field(
        default=None, description="How to reach it: call, text, chat or emergency."
    )
    url: str | None = Field(default=None, description="What a tap opens: tel:, sms: or https:.")


class HelpContact(BaseModel):
    """A person or professional to reach, and how."""

    model_config = ex.examples({"name": "Maya (sister)", "contact": "555-0100"}, extra="forbid")

    name: ContactName
    contact: ContactWay


class SafetyPlanFields(BaseModel):
    """The Stanley-Brown safety plan's seven sections, each a short list."""

    warning_signs: list[PlanText] = Field(default_factory=list, max_length=PLAN_ITEMS)
    coping_strategies: list[PlanText] = Field(default_factory=list, max_length=PLAN_ITEMS)
    distractions: list[PlanText] = Field(
        default_factory=list, max_length=PLAN_ITEMS, description="People and places"
    )
    people_to_ask_for_help: list[HelpContact] = Field(default_factory=list, max_length=PLAN_ITEMS)
    professionals: list[HelpContact] = Field(
        default_factory=list, max_length=PLAN_ITEMS, description="Clinicians and crisis lines"
    )
    making_environment_safe: list[PlanText] = Field(default_factory=list, max_length=PLAN_ITEMS)
    reasons_for_living: list[PlanText] = Field(default_factory=list, max_length=PLAN_ITEMS)


PLAN_EXAMPLE: dict[str, Any] = {
    "warning_signs": ["I stop answering messages", "I can't sleep"],
    "coping_strategies": ["Walk around the block", "Cold water on my face"],
    "distractions": ["The library on Main Street", "Call Sam to talk about football"],
    "people_to_ask_for_help": [{"name": "Maya (sister)", "contact": "555-0100"}],
    "professionals": [
        {"name": "Dr. Rivera", "contact": "555-0199"},
        {"name": "988 Suicide & Crisis Lifeline", "contact": "Call or text 988"},
    ],
    "making_environment_safe": ["Maya keeps my medication"],
    "reasons_for_living": ["My daughter", "Seeing the sea again"],
}


class SafetyPlanUpdate(SafetyPlanFields):
    """The whole plan: PUT replaces it; a section left out becomes empty."""

    model_config = ex.examples(PLAN_EXAMPLE, extra="forbid")


class SafetyPlanPublic(SafetyPlanFields):
    """The plan with its version (also its ETag, `"v<version>"`)."""

    model_config = ex.examples(
        PLAN_EXAMPLE
        | {
            "patient_id": "6f1c2b7e-3a59-4c1e-9f55-0c6a3e2d9b10",
            "version": 2,
            "created_at": "2026-03-01T10:00:00Z",
            "updated_at": "2026-03-02T09:30:00Z",
            "updated_by_role": "therapist",
        }
    )

    patient_id: uuid.UUID
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by_role: str = Field(description="patient or therapist")


class SafetyPlanVersionPublic(BaseModel):
    """One change of the plan: who, when and which sections, never the text."""

    model_config = ex.examples(
        {
            "version": 2,
            "author_id": "0b7e9a2c-8d1f-4e36-b1a4-2f9c5d7e8a01",
            "author_role": "therapist",
            "changed_at": "2026-03-02T09:30:00Z",
            "changed_fields": ["coping_strategies"],
        }
    )

    version: int
    author_id: uuid.UUID
    author_role: str
    changed_at: datetime
    changed_fields: list[str]


class SafetyPlanHistory(BaseModel):
    model_config = ex.examples({"items": [], "next_cursor": None})

    items: list[SafetyPlanVersionPublic]
    next_cursor: str | None


class SafetyInfo(BaseModel):
    """What the app shows wherever the patient writes."""

    model_config = ex.examples(
        {
            "notice": "Journal entries are not monitored in real time. If you are in "
            "danger, call your local emergency number.",
            "crisis_resources": [_RESOURCE],
            "screening": "Entries are screened for a short list of risk phrases; this is "
            "a screen, not a diagnosis.",
        }
    )

    notice: str
    crisis_resources: list[CrisisResource]
    screening: str
    safety_plan: SafetyPlanPublic | None = Field(
        default=None, description="The patient's own plan; only for the patient"
    )


class EntrySafety(BaseModel):
    """Added to the patient's own response when an entry (or answer) raised a flag."""

    model_config = ex.examples(
        {
            "flagged": True,
            "flag_id": ex.OTHER,
            "level": "urgent",
            "message": "It sounds like things are hard right now. Your care team has been told.",
            "care_team_sees": "entry",
            "crisis_resources": [_RESOURCE],
            "care_team_alerted": True,
            "on_call_alerted": False,
            "safety_plan": None,
        },
        json_schema_serialization_defaults_required=True,
    )

    flagged: bool = Field(default=True, description="Always true: present only with a flag")
    flag_id: uuid.UUID
    level: FlagLevel = Field(description=LEVEL_DESCRIPTION)
    message: str
    care_team_sees: Literal["entry", "flag_only", "answers", "no_care_team"]
    care_team_alerted: bool = Field(
        default=True, description="A notification was written for the care team"
    )
    on_call_alerted: bool = Field(
        default=False, description="A notification was written for the on-call staff at once"
    )
    crisis_resources: list[CrisisResource]
    safety_plan: SafetyPlanPublic | None = Field(
        default=None, description="The patient's own safety plan, when there is one"
    )


class FlagOutcome(StrEnum):
    contacted_patient = "contacted_patient"
    safety_plan_reviewed = "safety_plan_reviewed"
    emergency_services = "emergency_services"
    no_risk_found = "no_risk_found"
    other = "other"


class FlagAcknowledge(BaseModel):
    model_config = ex.examples(
        {"outcome": "contacted_patient", "note": "Called; safe at home."}, extra="forbid"
    )

    outcome: FlagOutcome
    note: NoteText | None = None


class SafetyFlagPublic(BaseModel):
    """A flag: why and when, never the text that raised it."""

    model_config = ex.examples(
        {
            "id": "3c2f5b1e-7a40-4d8e-9b16-5e0a1c2d3f45",
            "patient_id": "6f1c2b7e-3a59-4c1e-9f55-0c6a3e2d9b10",
            "source": "entry",
            "category": "ideation",
            "rule": "phrase_list",
            "level": "review",
            "is_urgent": False,
            "entry_id": None,
            "on_private_entry": True,
            "response_id": None,
            "alerted": "care_team",
            "raised_at": "2026-03-02T02:10:00Z",
            "acknowledged_at": "2026-03-02T02:25:00Z",
            "acknowledged_by": "0b7e9a2c-8d1f-4e36-b1a4-2f9c5d7e8a01",
            "outcome": "contacted_patient",
            "note": "Called; safe at home.",
        }
    )

    id: uuid.UUID
    patient_id: uuid.UUID
    source: str
    category: str | None
    rule: str | None
    level: FlagLevel = Field(description=LEVEL_DESCRIPTION)
    is_urgent: bool = Field(description='The same as level == "urgent"')
    entry_id: uuid.UUID | None = Field(
        description="Only for a live shared entry, and only for the care team"
    )
    on_private_entry: bool
    response_id: uuid.UUID | None
    alerted: str = Field(
        description="Who was told when it was raised: care_team, on_call, "
        "team_and_on_call (an urgent flag: both at once), nobody"
    )
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: uuid.UUID | None
    outcome: FlagOutcome | None
    note: str | None


class SafetyFlagPage(BaseModel):
    model_config = ex.examples({"items": [], "next_cursor": None})

    items: list[SafetyFlagPublic]
    next_cursor: str | None


class OpenFlag(BaseModel):
    """An unacknowledged flag as the care team's queue shows it."""

    model_config = ex.examples(
        {
            "id": ex.OTHER,
            "level": "urgent",
            "raised_at": ex.WRITTEN_AT,
            "session_id": ex.SESSION,
            "entry_id": None,
            "on_private_entry": True,
            "acknowledge_by": "2026-03-03T15:00:00Z",
            "acknowledge_before": "integration_session",
            "overdue": False,
        }
    )

    id: uuid.UUID
    level: FlagLevel = Field(description=LEVEL_DESCRIPTION)
    raised_at: datetime
    session_id: uuid.UUID | None
    entry_id: uuid.UUID | None
    on_private_entry: bool
    acknowledge_by: datetime | None = Field(
        description="The deadline: the patient's first integration session at or after "
        "the flag was raised; null when none is scheduled (then before the next dose)"
    )
    acknowledge_before: Literal["integration_session", "next_dose"] = Field(
        description="Whichever comes first: the integration session when one is "
        "scheduled, otherwise the next ketamine session. Recording the next ketamine "
        "session is refused (409 unacknowledged_safety_flags) while the flag is open"
    )
    overdue: bool = Field(description="acknowledge_by has passed and the flag is still open")
