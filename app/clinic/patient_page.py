"""What a patient's page shows: the record read by its use case, laid out as windows."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.accounts.service import get_user
from app.clinic.charts import Chart, Timeline, mood_chart, score_chart, timeline
from app.integration import service as integration
from app.prompts import service as prompts
from app.safety.models import SafetyFlag
from app.safety.schemas import OpenFlag, SafetyPlanPublic
from app.safety.screening.model import RULE_ID as MODEL_RULE
from app.usecases.act import Act
from app.usecases.patient_record import read_patient_record

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


# A flag's level in words.
LEVEL_WORDS = {"urgent": "Urgent", "review": "For review"}

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
        "is_urgent": flag.level == "urgent",
        "level": LEVEL_WORDS.get(flag.level, "For review"),
    }


def build(act: Act, *, patient_id: uuid.UUID) -> PatientPage:
    db, rules, now = act.db, act.rules, act.now
    patient = get_user(db, patient_id)
    record = read_patient_record(
        act, patient_id=patient_id, windows=WINDOWS_SHOWN, entries=ENTRIES_SHOWN
    )
    sessions, counts, views = record.sessions, record.counts, record.entries
    planned, flags, plan, charts = record.planned, record.flags, record.plan, record.charts
    reasons = {f.id: flag_reason(db, f.id) for f in flags}
    assignments = [
        {
            "title": prompts.title_and_text(p)[0],
            "technique": str(p.technique).replace("_", " "),
            "custom": p.patient_id is not None,
        }
        for _a, p in record.assignments
    ]
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
