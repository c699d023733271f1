"""Every table module, imported so Alembic and the tests see the whole metadata."""

from app.accounts.models import CareTeamMember, RefreshToken, SignIn, User
from app.audit.models import AuditEvent
from app.care_episodes.models import CareEpisode
from app.changes.models import PatientSyncState
from app.closure.models import AccountClosure, LegalHold
from app.consent.models import ConsentDecision, ConsentDocument
from app.core import db as _db  # noqa: F401  (naming convention first)
from app.core.idempotency import IdempotencyKey
from app.core.throttle_store import ThrottleCounter
from app.counts.models import PatientCounts
from app.entries.models import JournalEntry
from app.integration.models import IntegrationSession
from app.notifications.models import (
    Device,
    Notification,
    NotificationAttempt,
    NotificationDelivery,
)
from app.prompts.models import Prompt, PromptAssignment, PromptServing
from app.questionnaires.models import (
    QuestionnaireAssignment,
    QuestionnaireResponse,
    QuestionnaireSchedule,
)
from app.reviews.models import EntryReview
from app.safety.models import SafetyFlag
from app.sessions.models import KetamineSession

__all__ = [
    "AccountClosure",
    "AuditEvent",
    "CareEpisode",
    "CareTeamMember",
    "ConsentDecision",
    "ConsentDocument",
    "Device",
    "EntryReview",
    "IdempotencyKey",
    "IntegrationSession",
    "JournalEntry",
    "KetamineSession",
    "LegalHold",
    "Notification",
    "NotificationAttempt",
    "NotificationDelivery",
    "PatientCounts",
    "PatientSyncState",
    "Prompt",
    "PromptAssignment",
    "PromptServing",
    "QuestionnaireAssignment",
    "QuestionnaireResponse",
    "QuestionnaireSchedule",
    "RefreshToken",
    "SafetyFlag",
    "SignIn",
    "ThrottleCounter",
    "User",
]
