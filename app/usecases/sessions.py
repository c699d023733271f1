"""A ketamine session is recorded, corrected or removed: its window moves, the
entries it touches re-attach, the patient's reminders and questionnaires are planned
again, and the change is audited, in one transaction."""

import uuid
from datetime import datetime

from sqlmodel import Session

from app.accounts.models import Role
from app.entries.attachment import reattach
from app.integration.service import next_for_sessions, within_range
from app.notifications.reminders import cancel_for_session, reschedule_patient
from app.questionnaires.reminders import plan_reminders
from app.safety.flags import require_acknowledged_before_dose
from app.sessions import service as sessions
from app.sessions.errors import SelfReportDisabled
from app.sessions.models import KetamineSession
from app.sessions.schemas import IntegrationSessionBrief, OpenWindow, SessionCounts, SessionCreate
from app.sessions.service import SessionWithWindow
from app.sessions.window import Window, WindowRules
from app.usecases.act import Act


def _replan(act: Act, patient_id: uuid.UUID) -> None:
    reschedule_patient(act.db, patient_id=patient_id, rules=act.rules, now=act.now)
    # A dose puts after-effects and integration-phase questionnaires on the schedule.
    plan_reminders(act.db, patient_id=patient_id, rules=act.measure_rules, now=act.now)


def record_session(
    act: Act,
    *,
    patient_id: uuid.UUID,
    self_report: bool,
    new: SessionCreate,
) -> SessionWithWindow:
    """Both doors' session, as sent; `self_report` when the patient records their own."""
    if self_report and not act.settings.allow_self_reported_sessions:
        raise SelfReportDisabled()
    if not self_report:
        # Every flag is acknowledged before the next dose. A patient's own report of
        # a dose taken at home is never refused: the record is what keeps the acute
        # hours gentle, and the open flag stays at the top of the queue.
        require_acknowledged_before_dose(act.db, patient_id, new.administered_at)
    result = sessions.record_session(
        act.db,
        patient_id=patient_id,
        by=act.actor_id,
        self_report=self_report,
        new=new,
        now=act.now,
    )
    lo = new.administered_at
    reattach(act.db, patient_id=patient_id, lo=lo, hi=lo + act.rules.length, rules=act.rules)
    _replan(act, patient_id)
    act.audit.record("session.create", patient_id, "session", result.id)
    return sessions.with_window(act.db, result, act.rules)


def correct_session(
    act: Act, *, session: KetamineSession, changes: dict[str, object]
) -> SessionWithWindow:
    old_time = session.administered_at
    result = sessions.update_session(act.db, session=session, changes=changes, now=act.now)
    if session.administered_at != old_time:
        lo = min(old_time, session.administered_at)
        hi = max(old_time, session.administered_at) + act.rules.length
        reattach(act.db, patient_id=session.patient_id, lo=lo, hi=hi, rules=act.rules)
    _replan(act, session.patient_id)
    act.audit.record("session.update", session.patient_id, "session", session.id)
    return sessions.with_window(act.db, result, act.rules)


def remove_session(act: Act, *, session: KetamineSession) -> None:
    patient_id, session_id, at = session.patient_id, session.id, session.administered_at
    act.audit.record("session.delete", patient_id, "session", session_id)
    sessions.delete_session(act.db, session=session)
    reattach(act.db, patient_id=patient_id, lo=at, hi=at + act.rules.length, rules=act.rules)
    cancel_for_session(act.db, session_id=session_id, now=act.now)
    reschedule_patient(act.db, patient_id=patient_id, rules=act.rules, now=act.now)


def list_sessions(
    act: Act,
    *,
    patient_id: uuid.UUID,
    limit: int,
    before: datetime | None = None,
    cursor: str | None = None,
) -> tuple[list[tuple[SessionWithWindow, SessionCounts | None]], str | None]:
    """One page of the patient's sessions with their counts, and the next cursor (none
    when paged by `before`); a read by the care team is audited. The care team's
    counts take only shared entries."""
    shared_only = act.audit.actor_role != Role.patient
    nxt = None
    if before is not None:
        rows = sessions.list_sessions(
            act.db, patient_id=patient_id, rules=act.rules, limit=limit, before=before
        )
    else:
        rows, nxt = sessions.session_page(
            act.db, patient_id=patient_id, rules=act.rules, limit=limit, cursor=cursor
        )
    counts = sessions.session_counts(act.db, [r.session.id for r in rows], shared_only=shared_only)
    act.audit.record("session.list", patient_id, "session")
    return [(r, counts.get(r.session.id)) for r in rows], nxt


def open_window(
    db: Session, window: Window | None, *, now: datetime, rules: WindowRules
) -> OpenWindow:
    """The patient's window now, with its integration session (their own read: not audited)."""
    if window is None:
        return OpenWindow(open=False)
    upcoming = next_for_sessions(db, [window.session_id], now=now).get(window.session_id)
    brief = None
    if upcoming is not None:
        brief = IntegrationSessionBrief(
            id=upcoming.id,
            scheduled_at=upcoming.scheduled_at,
            within_recommended_range=within_range(window.opens_at, upcoming.scheduled_at, rules),
        )
    return OpenWindow(
        open=True,
        session_id=window.session_id,
        opens_at=window.opens_at,
        closes_at=window.closes_at,
        phase=window.window_phase_at(now),
        acute_ends_at=window.acute_ends_at,
        hours_since_session=window.hours_since(now),
        hours_left=round((window.closes_at - now).total_seconds() / 3600, 4),
        integration_starts_at=window.integration_starts_at,
        integration_ends_at=window.integration_ends_at,
        integration_session=brief,
    )
