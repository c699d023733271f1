"""Questionnaire reminders through the outbox, out of quiet hours.

One reminder per open or coming occurrence (dedupe key per patient and occurrence),
planned whenever something that moves the schedule happens (a session, an answer,
an assignment, a schedule change, a flag), and checked again when it falls due
(`still_wanted`): an answered occurrence, or one whose session is gone, is not sent.
"""

import uuid
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.notifications.models import Notification
from app.notifications.outbox import cancel, enqueue
from app.notifications.quiet_hours import outside_quiet_hours
from app.questionnaires.deps import MeasureRules
from app.questionnaires.due import plans_for, tracked
from app.questionnaires.models import QuestionnaireResponse
from app.questionnaires.schedule import EPISODE
from app.safety.models import SafetyFlag
from app.sessions.models import KetamineSession

KIND = "questionnaire_due"
# Far enough to cover the next between-windows occurrence (every 14 days by default).
HORIZON = timedelta(days=15)
# The new flag, the one it cuts short, and one more in case a plan was ever missed.
FLAGS_MOVED = 3
TITLE = "kap-journal"
BODY = "You have questionnaires to fill in when you have a moment."
# One push announces every questionnaire then due: another falling due this soon after
# a sent one is not pushed again (the app lists them all; the phone keeps one notice).
ANNOUNCED_FOR = timedelta(minutes=30)


def dedupe_key(patient_id: uuid.UUID, occurrence_key: str) -> str:
    return f"questionnaire:{patient_id}:{occurrence_key}"


def plan_reminders(
    db: Session,
    *,
    patient_id: uuid.UUID,
    rules: MeasureRules,
    now: datetime,
    codes: frozenset[str] | None = None,
    latest_flags: int | None = None,
) -> int:
    """Schedule (or move, or cancel) the reminder of every open or coming occurrence
    (of the instruments in `codes` only, if given; from the newest flags only, if given)."""
    patient = db.get(User, patient_id)
    if patient is None or not patient.is_active:
        return 0
    planned, dropped = 0, []
    found = tracked(
        db, patient, rules, now, horizon=HORIZON, codes=codes, latest_flags=latest_flags
    )
    for t in found:
        occ = t.occurrence
        key = dedupe_key(patient_id, occ.key)
        due = occ.expires_at
        if t.status in ("due", "upcoming"):
            due = outside_quiet_hours(max(occ.due_at, now), patient.timezone)
        if due >= occ.expires_at:
            dropped.append(key)
            continue
        enqueue(
            db,
            user_id=patient_id,
            kind=KIND,
            dedupe_key=key,
            due_at=due,
            title=TITLE,
            body=BODY,  # the outbox stores it in the patient's language
            data={
                "code": occ.code,
                "occurrence_key": occ.key,
                "patient_id": str(patient_id),
                "expires_at": occ.expires_at.isoformat(),
            },
            now=now,
        )
        planned += 1
    # One statement for every occurrence past asking (a patient has tens).
    cancel(db, dedupe_keys=dropped, now=now)
    return planned


def plan_after_flag(
    db: Session, *, patient_id: uuid.UUID, rules: MeasureRules, now: datetime
) -> int:
    """A flag moves only the instruments planned after a flag (the C-SSRS): their new
    occurrence, and the older one of theirs it cuts short. The rest of the schedule
    reads no flag, so its reminders stay as planned.

    Only the newest flags count: a new flag's occurrence cuts short the one before it,
    and every older one was cut (its reminder cancelled) when the next flag came. So a
    patient writing many flagged entries does not make each write re-plan them all."""
    # Held here, the patient is read once: the session keeps only referenced rows.
    patient = db.get(User, patient_id)
    if patient is None or not patient.is_active:
        return 0
    codes = frozenset(c for c, p in plans_for(db, patient_id, rules).items() if p.after_flag)
    if not codes:
        return 0
    return plan_reminders(
        db, patient_id=patient_id, rules=rules, now=now, codes=codes, latest_flags=FLAGS_MOVED
    )


def plan_flag_followups(db: Session, *, rules: MeasureRules, now: datetime, batch: int) -> int:
    """Plan the C-SSRS reminders of flags not yet followed up, the oldest first.

    The worker does this, not the write that raised the flag: the screener is due at
    once either way (the due list derives it from the flag), and planning is
    idempotent (one reminder per occurrence), so two workers taking the same flags
    plan the same reminders. Flags of one patient are planned together."""
    pending = col(SafetyFlag.followup_planned_at).is_(None)
    flags = db.exec(
        select(SafetyFlag)
        .where(pending)
        .order_by(col(SafetyFlag.raised_at))
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    for patient_id in dict.fromkeys(f.patient_id for f in flags):
        plan_after_flag(db, patient_id=patient_id, rules=rules, now=now)
    for f in flags:
        f.followup_planned_at = now
        db.add(f)
    return len(flags)


def still_wanted(db: Session, n: Notification) -> bool:
    """At sending time: not yet answered, and the session it hangs on still exists."""
    patient_id = uuid.UUID(str(n.data["patient_id"]))
    key = str(n.data["occurrence_key"])
    if datetime.fromisoformat(str(n.data["expires_at"])) <= n.due_at:
        return False
    answered = db.exec(
        select(QuestionnaireResponse.id).where(
            QuestionnaireResponse.patient_id == patient_id,
            col(QuestionnaireResponse.occurrence_key) == key,
        )
    ).first()
    if answered is not None or _announced(db, n):
        return False
    kind, _, rest = key.partition(":")
    anchor = rest.split(":")[0]
    if kind in ("integration", "after_dose", "daily") or (
        kind == "between" and anchor != "enrolment" and not anchor.startswith(EPISODE)
    ):
        return db.get(KetamineSession, uuid.UUID(anchor)) is not None
    return True


def _announced(db: Session, n: Notification) -> bool:
    """A questionnaire push already went to this patient moments ago."""
    since = n.due_at - ANNOUNCED_FOR
    return (
        db.exec(
            select(Notification.id).where(
                Notification.user_id == n.user_id,
                Notification.kind == KIND,
                Notification.id != n.id,
                col(Notification.sent_at).is_not(None),
                col(Notification.sent_at) >= since,
            )
        ).first()
        is not None
    )
