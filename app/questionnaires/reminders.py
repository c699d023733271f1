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
from app.questionnaires.due import tracked
from app.questionnaires.models import QuestionnaireResponse
from app.questionnaires.schedule import EPISODE
from app.sessions.models import KetamineSession

KIND = "questionnaire_due"
# Far enough to cover the next between-windows occurrence (every 14 days by default).
HORIZON = timedelta(days=15)
TITLE = "kap-journal"
BODY = "You have questionnaires to fill in when you have a moment."
# One push announces every questionnaire then due: another falling due this soon after
# a sent one is not pushed again (the app lists them all; the phone keeps one notice).
ANNOUNCED_FOR = timedelta(minutes=30)


def dedupe_key(patient_id: uuid.UUID, occurrence_key: str) -> str:
    return f"questionnaire:{patient_id}:{occurrence_key}"


def plan_reminders(
    db: Session, *, patient_id: uuid.UUID, rules: MeasureRules, now: datetime
) -> int:
    """Schedule (or move, or cancel) the reminder of every open or coming occurrence."""
    patient = db.get(User, patient_id)
    if patient is None or not patient.is_active:
        return 0
    planned = 0
    for t in tracked(db, patient, rules, now, horizon=HORIZON):
        occ = t.occurrence
        key = dedupe_key(patient_id, occ.key)
        if t.status not in ("due", "upcoming"):
            cancel(db, dedupe_keys=[key], now=now)
            continue
        due = outside_quiet_hours(max(occ.due_at, now), patient.timezone)
        if due >= occ.expires_at:
            cancel(db, dedupe_keys=[key], now=now)
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
    return planned


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
