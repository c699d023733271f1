"""The therapist's queue and the integration-prep summary as the API shows them."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from app.core import examples as ex
from app.entries.schemas import EntryPublic
from app.integration.schemas import IntegrationPublic
from app.prompts.models import Technique
from app.safety.schemas import LEVEL_DESCRIPTION, FlagLevel, FlagOutcome, OpenFlag
from app.sessions.models import Route
from app.sessions.schemas import WindowPublic
from app.sessions.window import Phase

_WINDOW = {
    "opens_at": ex.SESSION_AT,
    "closes_at": "2026-12-01T09:00:00Z",
    "integration_starts_at": "2026-11-30T09:00:00Z",
    "integration_ends_at": "2026-12-01T09:00:00Z",
}


class QueuePatient(BaseModel):
    model_config = ex.examples({"id": ex.PATIENT, "display_name": "Sam"})

    id: uuid.UUID
    display_name: str


class QueueWindow(WindowPublic):
    model_config = ex.examples(_WINDOW | {"session_id": ex.SESSION, "open": True})

    session_id: uuid.UUID
    open: bool = Field(description="Whether the window is open now")


class QueueIntegration(BaseModel):
    model_config = ex.examples(
        {"id": ex.OTHER, "session_id": ex.SESSION, "scheduled_at": "2026-11-30T15:00:00Z"}
    )

    id: uuid.UUID
    session_id: uuid.UUID
    scheduled_at: datetime


class QueueItemPublic(BaseModel):
    """One patient who needs attention."""

    model_config = ex.examples(
        {
            "patient": ex.example_of(QueuePatient),
            "window": ex.example_of(QueueWindow),
            "unreviewed": 2,
            "open_flags": 1,
            "urgent_flags": 1,
            "safety_flags": [ex.example_of(OpenFlag)],
            "next_integration_session": ex.example_of(QueueIntegration),
        }
    )

    patient: QueuePatient
    window: QueueWindow | None = Field(description="The latest session's window")
    unreviewed: int = Field(description="Shared entries not reviewed yet")
    open_flags: int = Field(description="Unacknowledged safety flags")
    urgent_flags: int = Field(
        description="Unacknowledged urgent safety flags: these patients are listed first"
    )
    safety_flags: list[OpenFlag]
    next_integration_session: QueueIntegration | None


class MoodPoint(BaseModel):
    model_config = ex.examples({"written_at": ex.WRITTEN_AT, "mood": 6, "phase": "integration"})

    written_at: datetime
    mood: int
    phase: Phase | None


class AnsweredPrompt(BaseModel):
    model_config = ex.examples(
        {
            "id": ex.PROMPT,
            "title": "What stayed with you",
            "technique": "capture",
            "text": "Write down one image, sound or feeling from the session.",
        }
    )

    id: uuid.UUID
    title: str
    technique: Technique
    text: str


class SummaryFlag(BaseModel):
    """A flag raised in the window; on a private entry, only that it was raised."""

    model_config = ex.examples(
        {
            "id": ex.OTHER,
            "level": "review",
            "entry_id": None,
            "on_private_entry": True,
            "raised_at": ex.WRITTEN_AT,
            "acknowledged_at": None,
            "outcome": None,
        }
    )

    id: uuid.UUID
    level: FlagLevel = Field(description=LEVEL_DESCRIPTION)
    entry_id: uuid.UUID | None
    on_private_entry: bool
    raised_at: datetime
    acknowledged_at: datetime | None
    outcome: FlagOutcome | None = Field(description="How it was closed; null while open")


class SummaryQuestionnaireFlag(BaseModel):
    """A flag raised in the window by a questionnaire answer."""

    model_config = ex.examples(
        {
            "id": ex.OTHER,
            "response_id": ex.OTHER,
            "rule": "cssrs_high",
            "level": "urgent",
            "is_urgent": True,
            "raised_at": ex.WRITTEN_AT,
            "acknowledged_at": None,
            "outcome": None,
        }
    )

    id: uuid.UUID
    response_id: uuid.UUID | None
    rule: str | None
    level: FlagLevel = Field(description=LEVEL_DESCRIPTION)
    is_urgent: bool = Field(description='The same as level == "urgent"')
    raised_at: datetime
    acknowledged_at: datetime | None
    outcome: FlagOutcome | None = Field(description="How it was closed; null while open")


class SessionSummary(BaseModel):
    """Integration prep for one window."""

    model_config = ex.examples(
        {
            "session_id": ex.SESSION,
            "patient_id": ex.PATIENT,
            "administered_at": ex.SESSION_AT,
            "route": "im",
            "window": _WINDOW,
            "entries": [ex.example_of(EntryPublic) | {"reviews": []}],
            "mood_series": [ex.example_of(MoodPoint)],
            "prompts_answered": [ex.example_of(AnsweredPrompt)],
            "safety_flags": [ex.example_of(SummaryFlag)],
            "integration_sessions": [ex.example_of(IntegrationPublic)],
        }
    )

    session_id: uuid.UUID
    patient_id: uuid.UUID
    administered_at: datetime
    route: Route
    window: WindowPublic
    entries: list[EntryPublic] = Field(description="Shared entries, oldest first")
    mood_series: list[MoodPoint]
    prompts_answered: list[AnsweredPrompt]
    safety_flags: list[SummaryFlag] = Field(description="Flags raised by the window's entries")
    questionnaire_flags: list[SummaryQuestionnaireFlag] = Field(
        default_factory=list, description="Flags raised by the window's questionnaire answers"
    )
    integration_sessions: list[IntegrationPublic]
