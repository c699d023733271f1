"""What a patient's page shows, gathered through the same services and audit as /v1."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.accounts.service import get_user
from app.audit.auditor import Auditor
from app.clinic.charts import Chart, Timeline, mood_chart, score_chart, timeline
from app.core.crypto import KeyRing
from app.entries.presenters import entry_view
from app.entries.queries import page_entries
from app.integration import service as integration
from app.prompts import service as prompts
from app.questionnaires.reading import score_charts
from app.reviews.service import review_view, reviews_by_entry
from app.safety.models import SafetyFlag
from app.safety.plan import plan_of
from app.safety.schemas import OpenFlag, SafetyPlanPublic
from app.safety.screening.model import RULE_ID as MODEL_RULE
from app.safety.service import open_flags_of
from app.sessions.service import list_sessions, session_counts
from app.sessions.window import WindowRules

WINDOWS_SHOWN = 10
ENTRIES_SHOWN = 200


@dataclass
class WindowBlock:
    """One window on the timeline, with its shared entries in time order."""

    session: Any
    window: Any
    counts: Any
    entries: list[dict[str, Any]] = field(default_factory=list)
    integration: list[dict[str, Any]] = field(default_factory=list)
    flags: list[OpenFlag] = field(default_factory=list)
    open_now: bool = False
    timeline: Timeline | None = None

    @property
    def suggested_at(self) -> datetime:
        """The schedule form's first value: the range's start, up to the next quarter hour.

        A form field holds whole minutes, so the exact start (with its seconds) would
        fall just before the range.
        """
        start: datetime = self.window.integration_starts_at
        quarter = timedelta(minutes=15)
        floor = start.replace(second=0, microsecond=0, minute=start.minute // 15 * 15)
        return floor if floor == start else floor + quarter


@dataclass
class PatientPage:
    patient_id: uuid.UUID
    display_name: str
    windows: list[WindowBlock]
    unattached: list[dict[str, Any]]
    flags: list[OpenFlag]
    # Why each open flag was raised (source, category, rule, urgency), by flag id; never text.
    reasons: dict[uuid.UUID, dict[str, Any]]
    mood: Chart
    scores: list[Chart]
    plan: SafetyPlanPublic | None
    assignments: list[dict[str, Any]]
    library: list[Any]


# A model hit has no rule a clinician could look up: say what it means instead.
MODEL_LABEL = "the screen's model, for risk said without a rule's words"


def flag_reason(db: Session, flag_id: uuid.UUID) -> dict[str, Any]:
    """The flag's source, category and rule: why it was raised, never the words."""
    flag = db.get(SafetyFlag, flag_id)  # loaded by open_flags_of: no statement
    if flag is None:  # pragma: no cover - listed just before
        return {}
    return {
        "source": flag.source,
        "category": (flag.category or "").replace("_", " "),
        "rule": MODEL_LABEL if flag.rule == MODEL_RULE else (flag.rule or "").replace("_", " "),
        "is_urgent": flag.is_urgent,
    }


def with_reviews(db: Session, views: list[dict[str, Any]], keyring: KeyRing) -> None:
    """The care team's reviews of each entry, stale ones marked (as the API shows them)."""
    reviews = reviews_by_entry(db, [v["id"] for v in views])
    for v in views:
        v["reviews"] = [review_view(r, v["version"], keyring) for r in reviews.get(v["id"], [])]


def build(
    db: Session,
    *,
    patient_id: uuid.UUID,
    keyring: KeyRing,
    rules: WindowRules,
    audit: Auditor,
    now: datetime,
) -> PatientPage:
    patient = get_user(db, patient_id)
    sessions = list_sessions(
        db, patient_id=patient_id, rules=rules, limit=WINDOWS_SHOWN, before=None
    )
    counts = session_counts(db, [s.session.id for s in sessions], shared_only=True)
    audit.record("session.list", patient_id=patient_id, resource_type="session")
    rows, _ = page_entries(
        db, patient_id=patient_id, limit=ENTRIES_SHOWN, cursor=None, shared_only=True
    )
    audit.record("entry.list", patient_id=patient_id, resource_type="entry")
    views = [entry_view(e, t, keyring=keyring, rules=rules) for e, t in reversed(rows)]
    with_reviews(db, views, keyring)
    planned = integration.list_for_patient(db, patient_id)
    audit.record("integration.list", patient_id=patient_id, resource_type="integration_session")
    flags = open_flags_of(db, [patient_id]).get(patient_id, [])
    reasons = {f.id: flag_reason(db, f.id) for f in flags}
    # As GET /v1/patients/{id}/safety-plan and .../questionnaire-scores: audited reads.
    plan = plan_of(db, keyring, patient_id)
    audit.record("safety_plan.read", patient_id=patient_id, resource_type="safety_plan")
    charts = score_charts(db, patient_id=patient_id, rules=rules)
    audit.record("questionnaire_scores.read", patient_id=patient_id, resource_type="scores")
    assignments = [
        {
            "title": prompts.title_and_text(p)[0],
            "technique": str(p.technique).replace("_", " "),
            "custom": p.patient_id is not None,
        }
        for _a, p in prompts.assignments_of(db, patient_id)
    ]
    audit.record(
        "prompt.list_assignments", patient_id=patient_id, resource_type="prompt_assignment"
    )
    library, _ = prompts.list_library(db, technique=None, phase=None, limit=200, cursor=None)

    blocks = {
        s.session.id: WindowBlock(
            s.session, s.window, counts.get(s.session.id), open_now=s.window.contains(now)
        )
        for s in sessions
    }
    unattached = []
    for v in views:
        if v["session_id"] is None:
            unattached.append(v)
        elif v["session_id"] in blocks:  # entries of older windows stay off this page
            blocks[v["session_id"]].entries.append(v)
    for item, at in planned:
        if item.session_id in blocks:
            blocks[item.session_id].integration.append(integration.view(item, at, rules))
    for f in flags:
        if f.session_id in blocks:
            blocks[f.session_id].flags.append(f)
    for block in blocks.values():
        times = [i["scheduled_at"] for i in block.integration]
        block.timeline = timeline(block.window, times, now)
    return PatientPage(
        patient_id=patient_id,
        display_name=patient.display_name,
        windows=list(blocks.values()),
        unattached=unattached,
        flags=flags,
        reasons=reasons,
        mood=mood_chart(views),
        scores=[score_chart(c) for c in charts.values()],
        plan=plan,
        assignments=assignments,
        library=library,
    )
