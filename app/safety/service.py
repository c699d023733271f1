"""Screening entries, raising and acknowledging flags, alerting the care team."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, select

from app.accounts.service import care_team_of
from app.core.errors import NotFound
from app.core.i18n import translate
from app.entries.models import JournalEntry
from app.notifications.service import enqueue
from app.safety.models import SafetyFlag
from app.safety.schemas import CrisisResource, EntrySafety, OpenFlag, SafetyInfo
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

FLAGGED_SHARED = (
    "What you wrote suggests you may be going through something very hard. "
    "Your care team has been alerted and can read this entry. They do not read entries "
    "in real time: if you are in danger, use the contacts below now."
)
FLAGGED_PRIVATE = (
    "What you wrote suggests you may be going through something very hard. "
    "Your care team has been alerted, but they will not see the text of this private "
    "entry. They do not read entries in real time: if you are in danger, use the "
    "contacts below now."
)


class FlagNotFound(NotFound):
    code = "safety_flag_not_found"
    title = "No such safety flag"


def resources_from(raw: list[dict[str, str]]) -> list[CrisisResource]:
    return [CrisisResource.model_validate(r) for r in raw]


def resources_for(by_locale: dict[str, list[dict[str, str]]], locale: str) -> list[CrisisResource]:
    """The clinic's crisis resources in `locale`, else the English ones."""
    return resources_from(by_locale.get(locale) or by_locale.get("en") or [])


def safety_info(resources: list[CrisisResource], locale: str = "en") -> SafetyInfo:
    return SafetyInfo(
        notice=translate(locale, NOT_MONITORED),
        crisis_resources=resources,
        screening=translate(locale, SCREENING),
    )


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
    locale: str = "en",
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
    message = translate(locale, FLAGGED_SHARED if entry.is_shared else FLAGGED_PRIVATE)
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


def open_flags_of(db: Session, patient_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[OpenFlag]]:
    """Unacknowledged flags per patient, oldest first, each with its entry's window.

    The entry id is given only for a live shared entry: of a private or deleted
    one the care team learns that a flag was raised, never which text raised it.
    """
    if not patient_ids:
        return {}
    rows = db.exec(
        select(SafetyFlag, JournalEntry.session_id, JournalEntry.is_shared, JournalEntry.deleted_at)
        .join(JournalEntry, col(JournalEntry.id) == SafetyFlag.entry_id)
        .where(
            col(SafetyFlag.patient_id).in_(patient_ids), col(SafetyFlag.acknowledged_at).is_(None)
        )
        .order_by(col(SafetyFlag.raised_at), col(SafetyFlag.id))
    ).all()
    out: dict[uuid.UUID, list[OpenFlag]] = {}
    for flag, session_id, shared, deleted_at in rows:
        visible = shared and deleted_at is None
        out.setdefault(flag.patient_id, []).append(
            OpenFlag(
                id=flag.id,
                raised_at=flag.raised_at,
                session_id=session_id,
                entry_id=flag.entry_id if visible else None,
                on_private_entry=not shared,
            )
        )
    return out
