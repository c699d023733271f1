"""Request and response models for questionnaires, answers, scores and schedules."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictBool, StrictInt

from app.core import examples as ex
from app.core.fields import AwareUTC, NoNulKey, NoNulStr
from app.questionnaires.bodies import PHQ9_ANSWERS, RESPONSE
from app.questionnaires.instruments import catalogue
from app.safety.schemas import LEVEL_DESCRIPTION, CrisisResource, FlagLevel, SafetyPlanPublic
from app.sessions.window import Phase

Code = Annotated[NoNulStr, Field(min_length=1, max_length=40)]
CodeKey = Annotated[NoNulKey, Field(min_length=1, max_length=40)]

ASSIGNMENT = "8f7e6d5c-4b3a-4291-8e7f-6d5c4b3a2919"
FLAG = "1e0f9a8b-7c6d-4e5f-9a4b-3c2d1e0f9a8b"
ANSWERED_AT = "2026-11-30T14:00:00Z"


class OptionPublic(BaseModel):
    model_config = ex.examples({"value": 1, "text": "Several days"})

    value: int
    text: str


class ItemPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": "phq9_1",
            "type": "choice",
            "text": "Little interest or pleasure in doing things",
            "required": True,
            "enable_when": None,
            "loinc": "44250-9",
            "options": [
                {"value": 0, "text": "Not at all"},
                {"value": 1, "text": "Several days"},
                {"value": 2, "text": "More than half the days"},
                {"value": 3, "text": "Nearly every day"},
            ],
        }
    )

    id: str
    type: str = Field(description="choice or text")
    text: str
    required: bool
    enable_when: dict[str, Any] | None = Field(
        default=None, description="Asked only when another item has this value"
    )
    loinc: str | None
    options: list[OptionPublic]


class BandPublic(BaseModel):
    model_config = ex.examples({"label": "mild", "low": 5, "high": 9})

    label: str
    low: int
    high: int


class QuestionnairePublic(BaseModel):
    model_config = ex.examples(
        {
            "code": "phq9",
            "title": "Patient Health Questionnaire-9 (PHQ-9)",
            "version": "PHQ-9 (Pfizer, 1999)",
            "copyright": "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, "
            "Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc.",
            "locale": "en",
            "translation_available": True,
            "loinc_panel": "44249-1",
            "loinc_total": "44261-6",
            "preamble": "Over the last 2 weeks, how often have you been bothered by any of "
            "the following problems?",
            "score_range": [0, 27],
            "bands": [
                {"label": "minimal", "low": 0, "high": 4},
                {"label": "mild", "low": 5, "high": 9},
            ],
            "items": [ex.example_of(ItemPublic)],
        }
    )

    code: str
    title: str
    version: str
    copyright: str
    locale: str
    translation_available: bool = Field(description="False when English is shown instead")
    loinc_panel: str | None
    loinc_total: str | None
    preamble: str
    score_range: list[int] | None
    bands: list[BandPublic]
    items: list[ItemPublic]


class QuestionnaireList(BaseModel):
    model_config = ex.examples({"items": [ex.example_of(QuestionnairePublic)]})

    items: list[QuestionnairePublic]


def _known_codes(schema: dict[str, Any]) -> None:
    schema["enum"] = sorted(catalogue())


class ResponseSafety(BaseModel):
    """In the patient's own answer when a response raised a flag."""

    model_config = ex.examples(
        {
            "flagged": True,
            "flag_ids": [FLAG],
            "level": "review",
            "urgent": False,
            "message": "Thank you for writing this down. It sounds like things feel heavy "
            "right now, and that matters. Your care team has been alerted and can see your "
            "answers.",
            "care_team_alerted": True,
            "on_call_alerted": False,
            "crisis_resources": [ex.example_of(CrisisResource)],
            "safety_plan": None,
        },
        json_schema_serialization_defaults_required=True,
    )
    flagged: bool = Field(default=True, description="Always true when present")
    flag_ids: list[uuid.UUID]
    level: FlagLevel = Field(description=LEVEL_DESCRIPTION + "; the strongest of the flags")
    urgent: bool = Field(description='The same as level == "urgent" (kept for v1.1 clients)')
    message: str = Field(description="Says who was told, exactly as recorded on the flag")
    care_team_alerted: bool = Field(
        default=False, description="A notification was written for the care team"
    )
    on_call_alerted: bool = Field(
        default=False, description="A notification was written for the on-call staff at once"
    )
    crisis_resources: list[CrisisResource]
    safety_plan: SafetyPlanPublic | None = Field(
        default=None, description="The patient's own safety plan, when there is one"
    )


class QuestionnaireResponsePublic(BaseModel):
    model_config = ex.examples(
        {
            "id": RESPONSE,
            "patient_id": ex.PATIENT,
            "code": "phq9",
            "instrument_version": "PHQ-9 (Pfizer, 1999)",
            "answers": PHQ9_ANSWERS,
            "note": None,
            "score": 7,
            "severity": "mild",
            "answered_at": ANSWERED_AT,
            "client_answered_at": ANSWERED_AT,
            "answered_at_adjusted": False,
            "session_id": ex.SESSION,
            "phase": "integration",
            "reason": "integration",
            "late": False,
            "flagged": False,
            "created_at": ANSWERED_AT,
            "safety": None,
        }
    )

    id: uuid.UUID
    patient_id: uuid.UUID
    code: str
    instrument_version: str
    answers: dict[str, int]
    note: str | None = Field(
        description="The patient's free text: after_effects' `ae_note`, or a note added to "
        "any instrument"
    )
    score: int | None
    severity: str
    answered_at: datetime
    client_answered_at: datetime
    answered_at_adjusted: bool
    session_id: uuid.UUID | None
    phase: Phase | None
    reason: str | None = Field(description="What it answered: enrolment, integration, assigned ...")
    late: bool = Field(description="Answered after its occurrence expired")
    flagged: bool
    created_at: datetime
    safety: ResponseSafety | None = None


class ResponsePage(BaseModel):
    model_config = ex.examples(
        {"items": [ex.example_of(QuestionnaireResponsePublic)], "next_cursor": ex.CURSOR}
    )

    items: list[QuestionnaireResponsePublic]
    next_cursor: str | None


class DueItem(BaseModel):
    model_config = ex.examples(
        {
            "code": "phq9",
            "reason": "integration",
            "due_at": "2026-11-30T09:00:00Z",
            "expires_at": "2026-12-03T09:00:00Z",
            "key": f"phq9:integration:{ex.SESSION}",
        }
    )

    code: str
    reason: str
    due_at: datetime
    expires_at: datetime
    key: str = Field(description="Stable id of this occurrence")


class DueList(BaseModel):
    model_config = ex.examples({"items": [ex.example_of(DueItem)]})

    items: list[DueItem]


class ScorePoint(BaseModel):
    model_config = ex.examples(
        {"answered_at": ANSWERED_AT, "score": 7, "severity": "mild", "session_id": ex.SESSION}
    )

    answered_at: datetime
    score: int | None
    severity: str
    session_id: uuid.UUID | None


class ScoresPublic(BaseModel):
    model_config = ex.examples(
        {
            "code": "phq9",
            "points": [
                {
                    "answered_at": "2026-11-20T14:00:00Z",
                    "score": 16,
                    "severity": "moderately_severe",
                    "session_id": None,
                },
                ex.example_of(ScorePoint),
            ],
            "baseline": {
                "answered_at": "2026-11-20T14:00:00Z",
                "score": 16,
                "severity": "moderately_severe",
                "session_id": None,
            },
            "latest": ex.example_of(ScorePoint),
            "change_pct": -56.25,
            "response": True,
            "remission": False,
        }
    )

    code: str
    points: list[ScorePoint]
    baseline: ScorePoint | None = Field(description="First answer on or before the first session")
    latest: ScorePoint | None
    change_pct: float | None = Field(description="Latest vs baseline, percent; negative is better")
    response: bool = Field(description="A drop of 50 % or more from baseline")
    remission: bool = Field(description="PHQ-9 or GAD-7 below 5")


class QuestionnaireAssignmentCreate(BaseModel):
    model_config = ex.examples(
        {"code": "pcl5", "due_at": "2026-12-01T09:00:00Z"}, {"code": "gad7"}, extra="forbid"
    )

    code: Code = Field(
        description="One of the instruments' codes (`GET /v1/questionnaires`)",
        json_schema_extra=_known_codes,
    )
    due_at: AwareUTC | None = None


class QuestionnaireAssignmentPublic(BaseModel):
    model_config = ex.examples(
        {
            "id": ASSIGNMENT,
            "patient_id": ex.PATIENT,
            "code": "pcl5",
            "due_at": "2026-12-01T09:00:00Z",
            "expires_at": "2026-12-04T09:00:00Z",
            "assigned_by": ex.THERAPIST,
            "created_at": "2026-11-30T16:00:00Z",
        }
    )

    id: uuid.UUID
    patient_id: uuid.UUID
    code: str
    due_at: datetime
    expires_at: datetime
    assigned_by: uuid.UUID
    created_at: datetime


class PlanChange(BaseModel):
    """Only the keys sent replace the clinic default for this patient."""

    model_config = ex.examples({"between_windows_days": 28, "after_flag": True}, extra="forbid")

    enrolment: StrictBool | None = None
    integration: StrictBool | None = None
    between_windows_days: Annotated[StrictInt, Field(ge=0, le=365)] | None = None
    after_dose_hours: Annotated[float, Field(ge=0, le=72)] | None = None
    after_flag: StrictBool | None = None
    daily: StrictBool | None = Field(
        default=None, description="Once a day while a window is open, at the check-in time"
    )


class ScheduleUpdate(BaseModel):
    model_config = ex.examples({"plans": {"pcl5": {"between_windows_days": 28}}}, extra="forbid")

    plans: dict[CodeKey, PlanChange] = Field(max_length=10)


class PlanPublic(BaseModel):
    model_config = ex.examples(
        {
            "enrolment": True,
            "integration": True,
            "between_windows_days": 14,
            "after_dose_hours": None,
            "after_flag": False,
            "daily": False,
        }
    )

    enrolment: bool
    integration: bool
    between_windows_days: int
    after_dose_hours: float | None
    after_flag: bool
    daily: bool = False


class OccurrencePublic(BaseModel):
    model_config = ex.examples(
        {
            "key": f"phq9:integration:{ex.SESSION}",
            "code": "phq9",
            "reason": "integration",
            "due_at": "2026-11-30T09:00:00Z",
            "expires_at": "2026-12-03T09:00:00Z",
            "status": "answered",
        }
    )

    key: str
    code: str
    reason: str
    due_at: datetime
    expires_at: datetime
    status: str = Field(
        description="answered, late, due, upcoming, missed, or superseded (a newer "
        "occurrence of the same questionnaire asked instead: one instrument is never due twice)"
    )


class NotScheduledPublic(BaseModel):
    model_config = ex.examples(
        {"code": "pcl5", "locale": "es", "reason": "no_verified_translation"}
    )

    code: str
    locale: str
    reason: str = Field(description="no_verified_translation: none ships in this language")


class SchedulePublic(BaseModel):
    model_config = ex.examples(
        {
            "patient_id": ex.PATIENT,
            "plans": {"phq9": ex.example_of(PlanPublic)},
            "occurrences": [ex.example_of(OccurrencePublic)],
        }
    )

    patient_id: uuid.UUID
    plans: dict[str, PlanPublic]
    occurrences: list[OccurrencePublic]
    not_scheduled: list[NotScheduledPublic] = Field(
        default_factory=list,
        description="Instruments the plans name that are not scheduled for this patient, and why",
    )
