"""What a patient's page shows: the record read by its use case, laid out as windows."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.accounts.service import get_user
from app.clinic import flag_words as words
from app.clinic.charts import Chart, Timeline, mood_chart, score_chart, timeline
from app.clinic.choices import technique_label
from app.clinic.i18n import N_, _
from app.integration import service as integration
from app.prompts import service as prompts
from app.safety.models import SafetyFlag
from app.safety.schemas import OpenFlag, SafetyPlanPublic
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
    now: datetime | None = None

    @property
    def suggested_at(self) -> datetime:
        """The schedule form's first value: the range's start, up to the next quarter hour.

        A form field holds whole minutes, so the exact start (with its seconds) would
        fall just before the range.
        """
        start: datetime = self.window.integration_starts_at
        if self.now is not None and self.now > start:
            start = self.now  # a time already gone is refused: suggest one still to come
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
    history: list[dict[str, Any]] = field(default_factory=list)
    flagged_entries: set[uuid.UUID] = field(default_factory=set)
    # The patient's language: their journal text is marked with it (lang="es").
    lang: str | None = None
    consents: list[dict[str, Any]] = field(default_factory=list)
    sharing_allowed: bool = True
    episodes: list[Any] = field(default_factory=list)
    enrolled_at: datetime | None = None


KIND_WORDS = {
    "app_terms": N_("Terms of the app"),
    "care_team_sharing": N_("Sharing with the care team"),
    "research": N_("Research"),
}
DECISION_WORDS = {
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
}


def consent_rows(state: Any) -> list[dict[str, Any]]:
    """Each current document and where the patient stands on it, in words."""
    rows = []
    for item in state.items:
        d = item.decision
        rows.append(
            {
                "kind": _(KIND_WORDS[str(item.kind)])
                if str(item.kind) in KIND_WORDS
                else item.kind,
                "version": item.document.version,
                "required": item.required,
                "decision": _(DECISION_WORDS[str(d.decision)]) if d else _("No decision yet"),
                # A decision on an earlier version says so: the current one awaits a decision.
                "decided_version": d.version if d else None,
                "decided_at": d.decided_at if d else None,
                "in_force": item.in_force,
            }
        )
    return rows


def flag_reason(db: Session, flag_id: uuid.UUID, now: datetime, after: timedelta) -> dict[str, Any]:
    """The flag's source and reason in words, its age and time to escalation."""
    flag = db.get(SafetyFlag, flag_id)  # loaded by open_flags_of: no statement
    if flag is None:  # pragma: no cover - listed just before
        return {}
    return {
        "source": flag.source,
        "reason": words.reason(flag.source, flag.category, flag.rule),
        "is_urgent": flag.level == "urgent",
        "level": words.level_words(flag.level),
    } | words.timing(flag.level, flag.raised_at, now, after)


def history_view(h: dict[str, Any]) -> dict[str, Any]:
    """A flag of the history, in words."""
    return h | {
        "level_words": words.level_words(h["level"]),
        "reason": words.reason(h["source"], h["category"], h["rule"]),
        "outcome_words": words.outcome_words(h["outcome"]),
    }


def build(act: Act, *, patient_id: uuid.UUID) -> PatientPage:
    db, rules, now = act.db, act.rules, act.now
    patient = get_user(db, patient_id)
    record = read_patient_record(
        act, patient_id=patient_id, windows=WINDOWS_SHOWN, entries=ENTRIES_SHOWN
    )
    sessions, counts, views = record.sessions, record.counts, record.entries
    planned, flags, plan, charts = record.planned, record.flags, record.plan, record.charts
    after = act.escalation.after
    reasons = {f.id: flag_reason(db, f.id, now, after) for f in flags}
    history = [history_view(h) for h in record.history]
    assignments = [
        {
            "title": prompts.title_and_text(p)[0],
            "technique": technique_label(str(p.technique)),
            "custom": p.patient_id is not None,
        }
        for _a, p in record.assignments
    ]
    library, _cursor = prompts.list_library(db, technique=None, phase=None, limit=200, cursor=None)

    blocks = {
        s.session.id: WindowBlock(
            s.session,
            s.window,
            counts.get(s.session.id),
            open_now=s.window.contains(now),
            now=now,
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
        lang=patient.locale,
        windows=list(blocks.values()),
        unattached=unattached,
        flags=flags,
        reasons=reasons,
        mood=mood_chart(views),
        scores=[score_chart(c) for c in charts.values()],
        plan=plan,
        assignments=assignments,
        library=library,
        history=[h for h in history if h["acknowledged_at"] is not None],
        flagged_entries={h["entry_id"] for h in history if h["entry_id"]},
        consents=consent_rows(record.consents),
        sharing_allowed=record.consents.sharing_allowed,
        episodes=record.episodes,
        enrolled_at=patient.created_at,
    )


# Which shared entries the page lists: all, those nobody has reviewed in their current
# version, or those a safety flag was raised on.
ENTRY_FILTERS = {"all": N_("All"), "unreviewed": N_("Unreviewed"), "flagged": N_("Flagged")}


def _unreviewed(entry: dict[str, Any]) -> bool:
    return not any(not r["stale"] for r in entry["reviews"] or [])


def narrow_entries(page: PatientPage, shown: str) -> None:
    """Keep only the entries `shown` asks for, in every window and between them."""
    if shown not in ("unreviewed", "flagged"):
        return

    def keep(entry: dict[str, Any]) -> bool:
        if shown == "flagged":
            return entry["id"] in page.flagged_entries
        return _unreviewed(entry)

    for block in page.windows:
        block.entries = [e for e in block.entries if keep(e)]
    page.unattached = [e for e in page.unattached if keep(e)]
