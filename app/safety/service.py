"""Screening entries, raising and acknowledging flags, alerting the care team."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, func, select

from app.accounts.service import care_team_of
from app.core.errors import NotFound
from app.entries.models import JournalEntry
from app.notifications.service import enqueue
from app.safety.models import SafetyFlag
from app.safety.schemas import CrisisResource, EntrySafety, SafetyInfo
from app.safety.screen import matched_phrases

NOT_MONITORED = (
    "Your journal is not monitored in real time. Your care team reads what you share "
    "before your next session. If you are in crisis or thinking about harming yourself, "
    "reach out now:"
)
SCREENING = (
    "Entries are screened for a short list of risk phrases. This is a screen, not a "
    "diagnosis: it can miss things and it can be wrong."
)


class FlagNotFound(NotFound):
    code = "safety_flag_not_found"
    title = "No such safety flag"


def resources_from(raw: list[dict[str, str]]) -> list[CrisisResource]:
    return [CrisisResource.model_validate(r) for r in raw]


def safety_info(resources: list[CrisisResource]) -> SafetyInfo:
    return SafetyInfo(notice=NOT_MONITORED, crisis_resources=resources, screening=SCREENING)


def _open_flag(db: Session, entry_id: uuid.UUID) -> SafetyFlag | None:
    return db.exec(
        select(SafetyFlag).where(
            SafetyFlag.entry_id == entry_id, col(SafetyFlag.acknowledged_at).is_(None)
        )
    ).first()


def screen_entry(
    db: Session,
    *,
    entry: JournalEntry,
    text: str,
    resources: list[CrisisResource],
    now: datetime,
    replay: bool = False,
) -> EntrySafety | None:
    """Flag the entry if its text suggests risk, and alert the care team at once.

    A replayed create writes nothing: it answers with the flag raised the first time.
    """
    if not matched_phrases(text):
        return None
    flag = _open_flag(db, entry.id)
    if flag is None and replay:
        flag = db.exec(
            select(SafetyFlag)
            .where(SafetyFlag.entry_id == entry.id)
            .order_by(col(SafetyFlag.raised_at).desc())
        ).first()
        if flag is None:
            return None
    if flag is None:
        flag = SafetyFlag(entry_id=entry.id, patient_id=entry.patient_id, raised_at=now)
        db.add(flag)
        db.flush()
        for therapist_id in care_team_of(db, entry.patient_id):
            # Urgent: due now, and quiet hours never delay it. No health detail on a lock screen.
            enqueue(
                db,
                user_id=therapist_id,
                kind="safety_flag",
                dedupe_key=f"safety_flag:{flag.id}:{therapist_id}",
                due_at=now,
                title="A patient may need attention",
                body="Open kap-journal to see a safety flag.",
                data={"urgent": True, "flag_id": str(flag.id), "patient_id": str(entry.patient_id)},
                now=now,
            )
    sees = "entry" if entry.is_shared else "flag_only"
    seen_by = (
        " and can read this entry."
        if entry.is_shared
        else ", but they will not see the text of this private entry."
    )
    message = (
        "What you wrote suggests you may be going through something very hard. "
        f"Your care team has been alerted{seen_by} They do not read entries in real "
        "time: if you are in danger, use the contacts below now."
    )
    return EntrySafety(
        flag_id=flag.id, message=message, care_team_sees=sees, crisis_resources=resources
    )


def get_flag(db: Session, flag_id: uuid.UUID) -> SafetyFlag:
    flag = db.get(SafetyFlag, flag_id)
    if flag is None:
        raise FlagNotFound()
    return flag


def acknowledge(
    db: Session, *, flag: SafetyFlag, therapist_id: uuid.UUID, now: datetime
) -> SafetyFlag:
    if flag.acknowledged_at is None:
        flag.acknowledged_at = now
        flag.acknowledged_by = therapist_id
        db.add(flag)
        db.flush()
    return flag


def open_flag_counts(db: Session, patient_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Unacknowledged flags per patient."""
    if not patient_ids:
        return {}
    rows = db.exec(
        select(SafetyFlag.patient_id, func.count())
        .where(
            col(SafetyFlag.patient_id).in_(patient_ids), col(SafetyFlag.acknowledged_at).is_(None)
        )
        .group_by(col(SafetyFlag.patient_id))
    ).all()
    return {pid: int(n) for pid, n in rows}
