"""A therapist opens a patient's record in the clinic: sessions, shared entries with
their reviews, integration sessions, open flags, the safety plan, scores, prompts,
consent and episodes of care.
Each part is read as its /v1 route reads it and audited with the same event."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.care_episodes.schemas import EpisodePublic
from app.consent.schemas import MyConsentsPublic
from app.entries.presenters import entry_view
from app.entries.queries import EntryFilter, page_entries
from app.integration import service as integration
from app.integration.models import IntegrationSession
from app.prompts import service as prompts
from app.prompts.models import Prompt, PromptAssignment
from app.questionnaires.reading import score_charts
from app.safety.plan import plan_of
from app.safety.schemas import OpenFlag, SafetyPlanPublic
from app.safety.service import open_flags_of
from app.sessions.schemas import SessionCounts
from app.sessions.service import SessionWithWindow, list_sessions, session_counts
from app.usecases.act import Act
from app.usecases.consent import patient_consents
from app.usecases.discharge import list_episodes
from app.usecases.entries import add_reviews
from app.usecases.therapist import read_flag_history


@dataclass
class PatientRecord:
    sessions: list[SessionWithWindow]
    counts: dict[uuid.UUID, SessionCounts]
    entries: list[dict[str, Any]]  # oldest first, with reviews
    planned: list[tuple[IntegrationSession, datetime]]
    flags: list[OpenFlag]
    plan: SafetyPlanPublic | None
    charts: dict[str, Any]
    assignments: list[tuple[PromptAssignment, Prompt]]
    history: list[dict[str, Any]]  # every flag, newest first, with its outcome
    consents: MyConsentsPublic
    episodes: list[EpisodePublic]  # oldest first, with the discharge reasons


def read_patient_record(
    act: Act, *, patient_id: uuid.UUID, windows: int, entries: int
) -> PatientRecord:
    db, audit = act.db, act.audit
    sessions = list_sessions(db, patient_id=patient_id, rules=act.rules, limit=windows, before=None)
    counts = session_counts(db, [s.session.id for s in sessions], shared_only=True)
    audit.record("session.list", patient_id, "session")
    shared = EntryFilter(shared_only=True)
    rows, _ = page_entries(db, patient_id=patient_id, limit=entries, cursor=None, only=shared)
    audit.record("entry.list", patient_id, "entry")
    views = [entry_view(e, t, keyring=act.keyring, rules=act.rules) for e, t in reversed(rows)]
    add_reviews(act, views)
    planned = integration.list_for_patient(db, patient_id)
    audit.record("integration.list", patient_id, "integration_session")
    flags = open_flags_of(db, [patient_id], now=act.now).get(patient_id, [])
    plan = plan_of(db, act.keyring, patient_id)
    audit.record("safety_plan.read", patient_id, "safety_plan")
    charts = score_charts(db, patient_id=patient_id, rules=act.rules)
    audit.record("questionnaire_scores.read", patient_id, "scores")
    assignments = list(prompts.assignments_of(db, patient_id))
    audit.record("prompt.list_assignments", patient_id, "prompt_assignment")
    history = read_flag_history(act, patient_id=patient_id)
    consents = patient_consents(act, patient_id)
    episodes = list_episodes(act, patient_id=patient_id)
    return PatientRecord(
        sessions,
        counts,
        views,
        planned,
        flags,
        plan,
        charts,
        assignments,
        history,
        consents,
        episodes,
    )
