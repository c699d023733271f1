"""Request and response models for questionnaires, answers, scores and schedules."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from app.core.fields import AwareUTC, NoNulStr, WrittenAt
from app.safety.schemas import CrisisResource
from app.sessions.window import Phase

Code = Annotated[NoNulStr, Field(min_length=1, max_length=40)]
ItemId = Annotated[NoNulStr, Field(min_length=1, max_length=64)]
AnswerValue = StrictInt | Annotated[NoNulStr, Field(max_length=2000)]


class OptionPublic(BaseModel):
    value: int
    text: str


class ItemPublic(BaseModel):
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
    label: str
    low: int
    high: int


class QuestionnairePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"code": "phq9", "title": "Patient Health Questionnaire (PHQ-9)"}]
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
    items: list[QuestionnairePublic]


class QuestionnaireResponseCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "gad7",
                    "answers": {f"gad7_{i}": 1 for i in range(1, 8)},
                    "answered_at": "2026-03-02T15:00:00+01:00",
                }
            ]
        },
    )

    id: uuid.UUID | None = Field(
        default=None, description="Chosen by the phone for offline writing"
    )
    code: Code
    answers: dict[ItemId, AnswerValue] = Field(max_length=60)
    answered_at: WrittenAt


class ResponseSafety(BaseModel):
    """In the patient's own answer when a response raised a flag."""

    flagged: bool = Field(default=True, description="Always true when present")
    flag_ids: list[uuid.UUID]
    urgent: bool
    message: str
    crisis_resources: list[CrisisResource]


class QuestionnaireResponsePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"code": "phq9", "score": 7, "severity": "mild"}]}
    )

    id: uuid.UUID
    patient_id: uuid.UUID
    code: str
    instrument_version: str
    answers: dict[str, int]
    note: str | None = Field(description="after_effects' optional free text")
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
    items: list[QuestionnaireResponsePublic]
    next_cursor: str | None


class DueItem(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "phq9",
                    "reason": "integration",
                    "due_at": "2026-03-03T15:00:00Z",
                    "expires_at": "2026-03-04T15:00:00Z",
                }
            ]
        }
    )

    code: str
    reason: str
    due_at: datetime
    expires_at: datetime
    key: str = Field(description="Stable id of this occurrence")


class DueList(BaseModel):
    items: list[DueItem]


class ScorePoint(BaseModel):
    answered_at: datetime
    score: int | None
    severity: str
    session_id: uuid.UUID | None


class ScoresPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"code": "phq9", "points": [], "response": False}]}
    )

    code: str
    points: list[ScorePoint]
    baseline: ScorePoint | None = Field(description="First answer on or before the first session")
    latest: ScorePoint | None
    change_pct: float | None = Field(description="Latest vs baseline, percent; negative is better")
    response: bool = Field(description="A drop of 50 % or more from baseline")
    remission: bool = Field(description="PHQ-9 or GAD-7 below 5")


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"code": "pcl5"}]})

    code: Code
    due_at: AwareUTC | None = None


class AssignmentPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "pcl5"}]})

    id: uuid.UUID
    patient_id: uuid.UUID
    code: str
    due_at: datetime
    expires_at: datetime
    assigned_by: uuid.UUID
    created_at: datetime


class PlanChange(BaseModel):
    """Only the keys sent replace the clinic default for this patient."""

    model_config = ConfigDict(extra="forbid")

    enrolment: StrictBool | None = None
    integration: StrictBool | None = None
    between_windows_days: Annotated[StrictInt, Field(ge=0, le=365)] | None = None
    after_dose_hours: Annotated[float, Field(ge=0, le=72)] | None = None
    after_flag: StrictBool | None = None


class ScheduleUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"plans": {"pcl5": {"between_windows_days": 28}}}]},
    )

    plans: dict[Code, PlanChange] = Field(max_length=10)


class PlanPublic(BaseModel):
    enrolment: bool
    integration: bool
    between_windows_days: int
    after_dose_hours: float | None
    after_flag: bool


class OccurrencePublic(BaseModel):
    key: str
    code: str
    reason: str
    due_at: datetime
    expires_at: datetime
    status: str = Field(description="answered, late, due, upcoming or missed")


class SchedulePublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"plans": {}, "occurrences": []}]})

    patient_id: uuid.UUID
    plans: dict[str, PlanPublic]
    occurrences: list[OccurrencePublic]
