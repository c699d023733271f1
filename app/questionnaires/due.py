"""What is due for a patient now, from their data; one-off assignments; overrides."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.errors import NotFound
from app.questionnaires.deps import MeasureRules
from app.questionnaires.instruments import known_code
from app.questionnaires.models import (
    QuestionnaireAssignment,
    QuestionnaireResponse,
    QuestionnaireSchedule,
)
from app.questionnaires.schedule import Assigned, Facts, Occurrence, Plan, occurrences, status_of
from app.safety.models import SafetyFlag
from app.sessions.models import KetamineSession

# Occurrences older than this are history: the due list and the queue look no further.
LOOKBACK = timedelta(days=120)


class PatientGone(NotFound):
    code = "patient_not_found"
    title = "No such patient"


@dataclass(frozen=True)
class Tracked:
    occurrence: Occurrence
    status: str


def plans_for(db: Session, patient_id: uuid.UUID, rules: MeasureRules) -> dict[str, Plan]:
    """The clinic defaults with the care team's overrides for this patient on top."""
    overrides = {
        row.code: row.overrides
        for row in db.exec(
            select(QuestionnaireSchedule).where(QuestionnaireSchedule.patient_id == patient_id)
        ).all()
    }
    codes = set(rules.defaults) | set(overrides)
    return {c: Plan.merged(rules.defaults.get(c, {}), overrides.get(c, {})) for c in sorted(codes)}


def facts_for(db: Session, patient: User, *, since: datetime) -> Facts:
    sessions = db.exec(
        select(KetamineSession.administered_at, KetamineSession.id)
        # Every session (a patient has tens): the gaps between windows need them all.
        .where(KetamineSession.patient_id == patient.id)
        .order_by(col(KetamineSession.administered_at))
    ).all()
    # A flag raised by the C-SSRS itself does not ask for another C-SSRS.
    flags = db.exec(
        select(SafetyFlag.raised_at, SafetyFlag.id).where(
            SafetyFlag.patient_id == patient.id,
            col(SafetyFlag.raised_at) >= since,
            col(SafetyFlag.rule).is_(None) | ~col(SafetyFlag.rule).startswith("cssrs"),
        )
    ).all()
    assignments = db.exec(
        select(QuestionnaireAssignment).where(
            QuestionnaireAssignment.patient_id == patient.id,
            col(QuestionnaireAssignment.expires_at) >= since,
        )
    ).all()
    return Facts(
        enrolled_at=patient.created_at,
        sessions=[(t, i) for t, i in sessions],
        flags=sorted((t, i) for t, i in flags),
        assignments=[Assigned(a.id, a.code, a.due_at, a.expires_at) for a in assignments],
    )


def answered_keys(db: Session, patient_id: uuid.UUID, *, since: datetime) -> dict[str, bool]:
    """Occurrence key -> answered late, for the patient's responses since `since`."""
    rows = db.exec(
        select(QuestionnaireResponse.occurrence_key, QuestionnaireResponse.is_late).where(
            QuestionnaireResponse.patient_id == patient_id,
            col(QuestionnaireResponse.occurrence_key).is_not(None),
            col(QuestionnaireResponse.answered_at) >= since,
        )
    ).all()
    return {k: late for k, late in rows if k is not None}


def tracked(
    db: Session,
    patient: User,
    rules: MeasureRules,
    now: datetime,
    *,
    horizon: timedelta = timedelta(0),
) -> list[Tracked]:
    """Every occurrence since the lookback with its status (up to now + horizon)."""
    since = now - LOOKBACK
    facts = facts_for(db, patient, since=since - rules.window.length)
    occs = occurrences(
        facts,
        plans_for(db, patient.id, rules),
        rules.window,
        until=now + horizon,
        open_for=rules.open_for,
    )
    answered = answered_keys(db, patient.id, since=since - rules.open_for)
    return [Tracked(o, status_of(o, answered, now)) for o in occs if o.expires_at > since]


def due_now(
    db: Session, *, patient_id: uuid.UUID, rules: MeasureRules, now: datetime
) -> list[Occurrence]:
    patient = db.get(User, patient_id)
    if patient is None:
        raise PatientGone()
    return [t.occurrence for t in tracked(db, patient, rules, now) if t.status == "due"]


def assign(
    db: Session,
    *,
    patient_id: uuid.UUID,
    code: str,
    due_at: datetime | None,
    assigned_by: uuid.UUID,
    rules: MeasureRules,
    now: datetime,
) -> QuestionnaireAssignment:
    """The care team asks for one instrument once; open for the clinic's open hours."""
    known_code(code)
    due = due_at or now
    row = QuestionnaireAssignment(
        patient_id=patient_id,
        code=code,
        due_at=due,
        expires_at=due + rules.open_for,
        assigned_by=assigned_by,
        created_at=now,
    )
    db.add(row)
    db.flush()
    return row


def set_schedule(
    db: Session,
    *,
    patient_id: uuid.UUID,
    changes: dict[str, dict[str, Any]],
    updated_by: uuid.UUID,
    now: datetime,
) -> None:
    """Replace the care team's overrides for each code given (an empty dict resets it)."""
    for code, overrides in changes.items():
        known_code(code, ("body", "plans", code))
        row = db.get(QuestionnaireSchedule, (patient_id, code))
        if row is None:
            row = QuestionnaireSchedule(
                patient_id=patient_id,
                code=code,
                overrides={},
                updated_by=updated_by,
                updated_at=now,
            )
        row.overrides = dict(overrides)
        row.updated_by, row.updated_at = updated_by, now
        db.add(row)
    db.flush()
