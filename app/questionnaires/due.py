"""What is due for a patient now, from their data; one-off assignments; overrides."""

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.care_episodes.queries import spans_of
from app.questionnaires import stale  # noqa: F401  (keeps the queue's status rows honest)
from app.questionnaires.deps import MeasureRules
from app.questionnaires.errors import PatientGone
from app.questionnaires.instruments import catalogue, known_code
from app.questionnaires.models import (
    QuestionnaireAssignment,
    QuestionnaireResponse,
    QuestionnaireSchedule,
)
from app.questionnaires.schedule import (
    CHECK_IN_DEFAULT,
    Assigned,
    Facts,
    Occurrence,
    Plan,
    occurrences,
    status_of,
)
from app.questionnaires.schemas import QuestionnaireAssignmentCreate
from app.safety.models import SafetyFlag
from app.sessions.models import KetamineSession

# Occurrences older than this are history: the due list and the queue look no further.
LOOKBACK = timedelta(days=120)


@dataclass(frozen=True)
class Tracked:
    occurrence: Occurrence
    status: str


def _overrides(db: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, dict[str, Any]]]:
    out: dict[uuid.UUID, dict[str, dict[str, Any]]] = {}
    rows = db.exec(
        select(QuestionnaireSchedule).where(col(QuestionnaireSchedule.patient_id).in_(ids))
    ).all()
    for row in rows:
        out.setdefault(row.patient_id, {})[row.code] = row.overrides
    return out


def untranslated(codes: set[str], locale: str | None) -> list[str]:
    """The codes with no verified translation in the patient's language: not scheduled
    for them (an instrument in the wrong language is not the validated instrument)."""
    found = catalogue()
    return sorted(c for c in codes if c in found and not found[c].verified_in(locale or "en"))


def _plans(
    defaults: dict[str, dict[str, Any]], overrides: dict[str, dict[str, Any]], locale: str | None
) -> dict[str, Plan]:
    codes = set(defaults) | set(overrides)
    codes -= set(untranslated(codes, locale))
    return {c: Plan.merged(defaults.get(c, {}), overrides.get(c, {})) for c in sorted(codes)}


def _locale(db: Session, patient_id: uuid.UUID) -> str | None:
    patient = db.get(User, patient_id)
    return patient.locale if patient else None


def plans_for(db: Session, patient_id: uuid.UUID, rules: MeasureRules) -> dict[str, Plan]:
    """The clinic defaults with the care team's overrides for this patient on top,
    in the patient's language."""
    overrides = _overrides(db, [patient_id]).get(patient_id, {})
    return _plans(rules.defaults, overrides, _locale(db, patient_id))


def not_scheduled(db: Session, patient_id: uuid.UUID, rules: MeasureRules) -> list[str]:
    """What the plans would schedule but the patient's language keeps off the schedule."""
    codes = set(rules.defaults) | set(_overrides(db, [patient_id]).get(patient_id, {}))
    return untranslated(codes, _locale(db, patient_id))


def _facts_many(
    db: Session, patients: list[User], *, since: datetime, latest_flags: int | None = None
) -> dict[uuid.UUID, Facts]:
    """Each patient's schedule facts, in four statements whatever the number of patients
    (with `latest_flags`, one patient's newest flags only)."""
    ids = [p.id for p in patients]
    sessions: dict[uuid.UUID, list[tuple[datetime, uuid.UUID]]] = {i: [] for i in ids}
    # Every session (a patient has tens): the gaps between windows need them all.
    for pid, t, sid in db.exec(
        select(KetamineSession.patient_id, KetamineSession.administered_at, KetamineSession.id)
        .where(col(KetamineSession.patient_id).in_(ids))
        .order_by(col(KetamineSession.administered_at))
    ).all():
        sessions[pid].append((t, sid))
    flags: dict[uuid.UUID, list[tuple[datetime, uuid.UUID]]] = {i: [] for i in ids}
    # A flag raised by the C-SSRS itself does not ask for another C-SSRS.
    flag_rows = select(SafetyFlag.patient_id, SafetyFlag.raised_at, SafetyFlag.id).where(
        col(SafetyFlag.patient_id).in_(ids),
        col(SafetyFlag.raised_at) >= since,
        col(SafetyFlag.rule).is_(None) | ~col(SafetyFlag.rule).startswith("cssrs"),
    )
    if latest_flags is not None:
        if len(ids) != 1:  # a limit across patients would starve some of them
            raise ValueError("latest_flags reads one patient's flags")
        flag_rows = flag_rows.order_by(col(SafetyFlag.raised_at).desc()).limit(latest_flags)
    for pid, t, fid in db.exec(flag_rows).all():
        flags[pid].append((t, fid))
    assigned: dict[uuid.UUID, list[Assigned]] = {i: [] for i in ids}
    for a in db.exec(
        select(QuestionnaireAssignment).where(
            col(QuestionnaireAssignment.patient_id).in_(ids),
            col(QuestionnaireAssignment.expires_at) >= since,
        )
    ).all():
        assigned[a.patient_id].append(Assigned(a.id, a.code, a.due_at, a.expires_at))
    episodes = spans_of(db, ids)
    return {
        p.id: Facts(
            p.created_at,
            sessions[p.id],
            sorted(flags[p.id]),
            assigned[p.id],
            timezone=p.timezone,
            check_in_at=_check_in_at(p.check_in_time),
            episodes=episodes[p.id],
        )
        for p in patients
    }


def _check_in_at(chosen: str | None) -> time:
    if not chosen:
        return CHECK_IN_DEFAULT
    hours, _, minutes = chosen.partition(":")
    return time(int(hours), int(minutes))


def facts_for(db: Session, patient: User, *, since: datetime) -> Facts:
    return _facts_many(db, [patient], since=since)[patient.id]


def _answered_many(
    db: Session, ids: list[uuid.UUID], *, since: datetime
) -> dict[uuid.UUID, dict[str, bool]]:
    out: dict[uuid.UUID, dict[str, bool]] = {i: {} for i in ids}
    for pid, key, late in db.exec(
        select(
            QuestionnaireResponse.patient_id,
            QuestionnaireResponse.occurrence_key,
            QuestionnaireResponse.is_late,
        ).where(
            col(QuestionnaireResponse.patient_id).in_(ids),
            col(QuestionnaireResponse.occurrence_key).is_not(None),
            col(QuestionnaireResponse.answered_at) >= since,
        )
    ).all():
        if key is not None:
            out[pid][key] = late
    return out


def answered_keys(db: Session, patient_id: uuid.UUID, *, since: datetime) -> dict[str, bool]:
    """Occurrence key -> answered late, for the patient's responses since `since`."""
    return _answered_many(db, [patient_id], since=since)[patient_id]


def tracked_with_facts(
    db: Session,
    patients: list[User],
    rules: MeasureRules,
    now: datetime,
    *,
    horizon: timedelta = timedelta(0),
    codes: frozenset[str] | None = None,
    latest_flags: int | None = None,
) -> tuple[dict[uuid.UUID, list[Tracked]], dict[uuid.UUID, Facts]]:
    """Every occurrence since the lookback with its status (up to now + horizon), per
    patient, in six statements whatever the number of patients (the queue's case);
    with the facts they were derived from. `codes` keeps only those instruments: each
    instrument's occurrences depend on its own plan alone, so they come out the same."""
    if not patients:
        return {}, {}
    since = now - LOOKBACK
    ids = [p.id for p in patients]
    facts = _facts_many(db, patients, since=since - rules.window.length, latest_flags=latest_flags)
    overrides = _overrides(db, ids)
    answered = _answered_many(db, ids, since=since - rules.open_for)
    locales = {p.id: p.locale for p in patients}
    out: dict[uuid.UUID, list[Tracked]] = {}
    for pid in ids:
        plans = _plans(rules.defaults, overrides.get(pid, {}), locales[pid])
        fact = facts[pid]
        if codes is not None:
            plans = {c: p for c, p in plans.items() if c in codes}
            fact = replace(fact, assignments=[a for a in fact.assignments if a.code in codes])
        occs = occurrences(fact, plans, rules.window, until=now + horizon, open_for=rules.open_for)
        out[pid] = [
            Tracked(o, status_of(o, answered[pid], now)) for o in occs if o.expires_at > since
        ]
    return out, facts


def tracked_many(
    db: Session,
    patients: list[User],
    rules: MeasureRules,
    now: datetime,
    *,
    horizon: timedelta = timedelta(0),
) -> dict[uuid.UUID, list[Tracked]]:
    """Every occurrence since the lookback with its status (up to now + horizon)."""
    return tracked_with_facts(db, patients, rules, now, horizon=horizon)[0]


def tracked(
    db: Session,
    patient: User,
    rules: MeasureRules,
    now: datetime,
    *,
    horizon: timedelta = timedelta(0),
    codes: frozenset[str] | None = None,
    latest_flags: int | None = None,
) -> list[Tracked]:
    """One patient's occurrences with their status (of `codes` only, if given; from
    the `latest_flags` newest flags only, if given)."""
    found = tracked_with_facts(
        db, [patient], rules, now, horizon=horizon, codes=codes, latest_flags=latest_flags
    )[0]
    return found[patient.id]


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
    by: uuid.UUID,
    asked: QuestionnaireAssignmentCreate,
    rules: MeasureRules,
    now: datetime,
) -> QuestionnaireAssignment:
    """The care team asks for one instrument once (due now unless `asked` says when);
    open for the clinic's open hours."""
    known_code(asked.code)
    due = asked.due_at or now
    row = QuestionnaireAssignment(
        patient_id=patient_id,
        code=asked.code,
        due_at=due,
        expires_at=due + rules.open_for,
        assigned_by=by,
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
