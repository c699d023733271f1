"""A ketamine session is recorded, corrected or removed: its window moves, the
entries it touches re-attach, and the patient's reminders are planned again."""

import uuid
from datetime import datetime

from sqlmodel import Session

from app.entries.attachment import reattach
from app.notifications.reminders import cancel_for_session, reschedule_patient
from app.questionnaires.deps import MeasureRules
from app.questionnaires.reminders import plan_reminders
from app.sessions import service as sessions
from app.sessions.models import KetamineSession, Route
from app.sessions.service import SessionWithWindow
from app.sessions.window import WindowRules


def record_session(
    db: Session,
    *,
    patient_id: uuid.UUID,
    recorded_by: uuid.UUID,
    is_self_reported: bool,
    administered_at: datetime,
    route: Route,
    dose_mg: float | None,
    note: str | None,
    rules: WindowRules,
    measure_rules: MeasureRules,
    now: datetime,
) -> SessionWithWindow:
    result = sessions.record_session(
        db,
        patient_id=patient_id,
        recorded_by=recorded_by,
        is_self_reported=is_self_reported,
        administered_at=administered_at,
        route=route,
        dose_mg=dose_mg,
        note=note,
        now=now,
    )
    reattach(
        db,
        patient_id=patient_id,
        lo=administered_at,
        hi=administered_at + rules.length,
        rules=rules,
    )
    reschedule_patient(db, patient_id=patient_id, rules=rules, now=now)
    # A dose puts after-effects and integration-phase questionnaires on the schedule.
    plan_reminders(db, patient_id=patient_id, rules=measure_rules, now=now)
    return sessions.with_window(db, result, rules)


def correct_session(
    db: Session,
    *,
    session: KetamineSession,
    changes: dict[str, object],
    rules: WindowRules,
    measure_rules: MeasureRules,
    now: datetime,
) -> SessionWithWindow:
    old_time = session.administered_at
    result = sessions.update_session(db, session=session, changes=changes, now=now)
    if session.administered_at != old_time:
        lo = min(old_time, session.administered_at)
        hi = max(old_time, session.administered_at) + rules.length
        reattach(db, patient_id=session.patient_id, lo=lo, hi=hi, rules=rules)
    reschedule_patient(db, patient_id=session.patient_id, rules=rules, now=now)
    plan_reminders(db, patient_id=session.patient_id, rules=measure_rules, now=now)
    return sessions.with_window(db, result, rules)


def remove_session(
    db: Session, *, session: KetamineSession, rules: WindowRules, now: datetime
) -> None:
    patient_id, session_id, at = session.patient_id, session.id, session.administered_at
    sessions.delete_session(db, session=session)
    reattach(db, patient_id=patient_id, lo=at, hi=at + rules.length, rules=rules)
    cancel_for_session(db, session_id=session_id, now=now)
    reschedule_patient(db, patient_id=patient_id, rules=rules, now=now)
