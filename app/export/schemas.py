"""The patient's JSON export as the API shows it."""

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.core import examples as ex
from app.entries.schemas import EntryPublic
from app.integration.schemas import IntegrationPublic
from app.notifications.models import NotificationStatus
from app.questionnaires.schemas import QuestionnaireResponsePublic
from app.safety.schemas import SafetyPlanPublic, SafetyPlanVersionPublic
from app.sessions.models import Route
from app.sessions.schemas import WindowPublic
from app.therapist.schemas import AnsweredPrompt


class ExportAccount(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.PATIENT,
            "email": "sam@clinic.example.org",
            "display_name": "Sam",
            "timezone": "America/Chicago",
            "created_at": "2026-11-01T09:00:00Z",
        }
    )

    id: uuid.UUID
    email: str
    display_name: str
    timezone: str
    created_at: datetime


class ExportSession(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.SESSION,
            "administered_at": ex.SESSION_AT,
            "route": "im",
            "dose_mg": 52.5,
            "note": None,
            "window": ex.example_of(WindowPublic),
        }
    )

    id: uuid.UUID
    administered_at: datetime
    route: Route
    dose_mg: float | None
    note: str | None
    window: WindowPublic


class ExportFlag(BaseModel):
    model_config = ex.examples(
        {"id": ex.OTHER, "entry_id": ex.ENTRY, "raised_at": ex.WRITTEN_AT, "acknowledged_at": None}
    )

    id: uuid.UUID
    entry_id: uuid.UUID | None
    raised_at: datetime
    acknowledged_at: datetime | None


class ExportNotification(BaseModel):
    model_config = ex.examples(
        {
            "kind": "window_open",
            "title": "Your journaling window is open",
            "status": "sent",
            "due_at": ex.SESSION_AT,
        }
    )

    kind: str
    title: str
    status: NotificationStatus
    due_at: datetime


class ExportSafetyPlan(SafetyPlanPublic):
    """The plan, and who changed it when (no text in the history)."""

    model_config = ex.examples(
        ex.example_of(SafetyPlanPublic) | {"history": [ex.example_of(SafetyPlanVersionPublic)]}
    )

    history: list[SafetyPlanVersionPublic] = Field(description="Newest first")


class ExportMiss(BaseModel):
    """A questionnaire that fell due and expired unanswered."""

    model_config = ex.examples(
        {
            "code": "phq9",
            "reason": "integration",
            "due_at": "2026-11-30T09:00:00Z",
            "expires_at": "2026-12-01T09:00:00Z",
            "recorded_at": "2026-12-01T09:04:00Z",
        }
    )

    code: str
    reason: str
    due_at: datetime
    expires_at: datetime
    recorded_at: datetime


class ExportConsent(BaseModel):
    model_config = ex.examples(
        {
            "document_id": "6f1c8a52-4a47-4c59-9d36-3a4bdb1a9d10",
            "kind": "care_team_sharing",
            "version": 1,
            "decision": "accepted",
            "locale": "en",
            "decided_at": "2026-11-01T09:05:00Z",
        }
    )

    document_id: uuid.UUID
    kind: str
    version: int
    decision: str
    locale: str
    decided_at: datetime


class PatientExport(BaseModel):
    """Everything about the patient, as JSON (the FHIR R4B Bundle: `exportMyDataFhir`)."""

    model_config = ex.examples(
        {
            "exported_at": "2026-11-30T13:00:00Z",
            "account": ex.example_of(ExportAccount),
            "sessions": [ex.example_of(ExportSession)],
            "entries": [ex.example_of(EntryPublic)],
            "prompts_answered": [ex.example_of(AnsweredPrompt)],
            "integration_sessions": [ex.example_of(IntegrationPublic)],
            "safety_flags": [ex.example_of(ExportFlag)],
            "notifications": [ex.example_of(ExportNotification)],
            "safety_plan": ex.example_of(ExportSafetyPlan),
            "questionnaire_responses": [ex.example_of(QuestionnaireResponsePublic)],
            "questionnaire_misses": [ex.example_of(ExportMiss)],
            "consents": [ex.example_of(ExportConsent)],
        }
    )

    exported_at: datetime
    account: ExportAccount
    sessions: list[ExportSession] = Field(description="Oldest first")
    entries: list[EntryPublic] = Field(description="Without reviews or safety; oldest first")
    prompts_answered: list[AnsweredPrompt]
    integration_sessions: list[IntegrationPublic]
    safety_flags: list[ExportFlag]
    notifications: list[ExportNotification]
    safety_plan: ExportSafetyPlan | None = Field(description="None until a plan is written")
    questionnaire_responses: list[QuestionnaireResponsePublic] = Field(description="Oldest first")
    questionnaire_misses: list[ExportMiss] = Field(
        description="Questionnaires that expired unanswered, as the worker wrote them down"
    )
    consents: list[ExportConsent] = Field(
        default_factory=list, description="Every consent decision, oldest first"
    )


class FhirBundleEntry(BaseModel):
    model_config = ex.examples(
        {
            "fullUrl": f"urn:uuid:{ex.PATIENT}",
            "resource": {"resourceType": "Patient", "id": ex.PATIENT, "name": [{"text": "Sam"}]},
        }
    )

    fullUrl: str  # FHIR names it so
    resource: dict[str, Any] = Field(description="A FHIR R4B resource; `resourceType` names it")


class FhirBundle(BaseModel):
    """A FHIR R4B collection Bundle: the patient, questionnaires, responses and moods."""

    model_config = ex.examples(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": "2026-11-30T13:00:00Z",
            "entry": [ex.example_of(FhirBundleEntry)],
        }
    )

    resourceType: Literal["Bundle"]
    type: Literal["collection"]
    timestamp: str = Field(description="RFC 3339")
    entry: list[FhirBundleEntry]
