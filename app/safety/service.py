"""Screening entries, raising and acknowledging flags, alerting the care team."""

import uuid
from datetime import datetime

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.accounts.service import care_team_of
from app.core.config import get_settings
from app.core.crypto import KeyRing
from app.core.i18n import translate
from app.counts import service as counts
from app.entries.models import EntryRecord, JournalEntry
from app.notifications.outbox import enqueue
from app.notifications.quiet_hours import outside_quiet_hours
from app.safety.flags import Escalation, deadline, integration_times, oncall_staff, plan_escalation
from app.safety.messages import Sees, flag_message
from app.safety.metrics import count_flag
from app.safety.models import SafetyFlag
from app.safety.plan import plan_of
from app.safety.schemas import (
    CrisisResource,
    EntrySafety,
    FlagLevel,
    OpenFlag,
    SafetyInfo,
    SafetyPlanPublic,
)
from app.safety.screen import ScreenHit

# Both the care team and the on-call staff were told (an urgent flag with a care team).
TEAM_AND_ON_CALL = "team_and_on_call"

NOT_MONITORED = (
    "Your journal is not monitored in real time. Your care team reads what you share "
    "before your next session. If you are in crisis or thinking about harming yourself, "
    "reach out now:"
)
SCREENING = (
    "Entries are screened for signs of risk, in English and Spanish. This is a screen, "
    "not a diagnosis: it can miss things and it can be wrong."
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


def resources_from(raw: list[dict[str, str]]) -> list[CrisisResource]:
    return [CrisisResource.model_validate(r) for r in raw]


def resources_for(by_locale: dict[str, list[dict[str, str]]], locale: str) -> list[CrisisResource]:
    """The clinic's crisis resources in `locale`, else the English ones."""
    return resources_from(by_locale.get(locale) or by_locale.get("en") or [])


def safety_info(
    resources: list[CrisisResource], plan: SafetyPlanPublic | None = None, locale: str = "en"
) -> SafetyInfo:
    return SafetyInfo(
        notice=translate(locale, NOT_MONITORED),
        crisis_resources=resources,
        screening=translate(locale, SCREENING),
        safety_plan=plan,
    )


def _open_flag(db: Session, entry_id: uuid.UUID) -> SafetyFlag | None:
    return db.exec(
        select(SafetyFlag).where(
            SafetyFlag.entry_id == entry_id, col(SafetyFlag.acknowledged_at).is_(None)
        )
    ).first()


def raise_flag(
    db: Session,
    *,
    patient_id: uuid.UUID,
    category: str,
    rule: str,
    now: datetime,
    entry_id: uuid.UUID | None = None,
    response_id: uuid.UUID | None = None,
    source: str = "entry",
    level: FlagLevel = "review",
    escalation: Escalation | None = None,
) -> SafetyFlag:
    """Store a flag and alert: the one path every screen uses.

    An urgent flag pages the care team and the on-call staff at once, whatever
    the hour, and plans its escalation for when nobody acknowledged it. A review
    flag goes to the care team's queue with a notice outside their quiet hours,
    and never escalates or pages on-call; only a patient without a care team has
    the on-call staff told of a review flag, the same calm way, so it is not
    left with nobody. `flag.alerted` records who was told, so the patient is
    never told more.
    """
    # The settings of the running app when a caller gives none (they are the same
    # settings in production); routes pass their own.
    escalation = escalation or Escalation.from_settings(get_settings())
    urgent = level == "urgent"
    team = care_team_of(db, patient_id)
    on_call = oncall_staff(db, escalation.oncall_emails) if urgent or not team else []
    flag = SafetyFlag(
        entry_id=entry_id,
        response_id=response_id,
        patient_id=patient_id,
        source=source,
        category=category,
        rule=rule,
        level=level,
        is_urgent=urgent,
        raised_at=now,
        alerted=alerted_value(bool(team), bool(on_call)),
    )
    db.add(flag)
    counts.adjust(db, patient_id, open_flags=1)
    count_flag(source=source, category=category, rule=rule)
    told = dict.fromkeys(team, "safety_flag")
    told |= {u: "safety_oncall" for u in on_call if u not in told}
    for user_id, prefix in told.items():
        # No health detail on a lock screen. Urgent: due now, and quiet hours never
        # delay it. Review: it waits for the recipient's quiet hours to end.
        due = now
        if not urgent:
            recipient = db.get(User, user_id)
            due = outside_quiet_hours(now, recipient.timezone if recipient else "UTC")
        enqueue(
            db,
            user_id=user_id,
            kind="safety_flag",
            dedupe_key=f"{prefix}:{flag.id}:{user_id}",
            due_at=due,
            title="A patient may need attention",
            body="Open kap-journal to see a safety flag.",
            data={
                "urgent": urgent,
                "level": level,
                "flag_id": str(flag.id),
                "patient_id": str(patient_id),
            },
            now=now,
            known_new=True,  # keyed by the new flag's id
        )
    if urgent:
        plan_escalation(db, flag=flag, recipients=team + on_call, after=escalation.after, now=now)
    db.flush()  # the flag and its notices in one go
    return flag


def alerted_value(team: bool, on_call: bool) -> str:
    """Who was told, as stored on the flag (at most 16 characters)."""
    if team and on_call:
        return TEAM_AND_ON_CALL
    return "care_team" if team else "on_call" if on_call else "nobody"


def team_told(alerted: str) -> bool:
    return alerted in ("care_team", TEAM_AND_ON_CALL)


def safety_block(
    db: Session,
    *,
    flag: SafetyFlag,
    sees: Sees,
    resources: list[CrisisResource],
    keyring: KeyRing | None,
    locale: str = "en",
) -> EntrySafety:
    """The `safety` block of the patient's answer to a write that raised `flag`.

    It says who was alerted as recorded on the flag, and carries the crisis
    resources and the patient's own safety plan (when a keyring is given).
    """
    plan = plan_of(db, keyring, flag.patient_id) if keyring is not None else None
    level: FlagLevel = "urgent" if flag.level == "urgent" else "review"
    return EntrySafety(
        flag_id=flag.id,
        level=level,
        message=flag_message(flag.alerted, sees, locale, level=level),
        care_team_sees=sees if team_told(flag.alerted) else "no_care_team",
        care_team_alerted=team_told(flag.alerted),
        on_call_alerted=flag.alerted in ("on_call", TEAM_AND_ON_CALL),
        crisis_resources=resources,
        safety_plan=plan,
    )


def screen_entry(
    db: Session,
    *,
    entry: EntryRecord,
    hit: ScreenHit | None,
    resources: list[CrisisResource],
    now: datetime,
    replay: bool = False,
    keyring: KeyRing | None = None,
    locale: str = "en",
    escalation: Escalation | None = None,
) -> EntrySafety | None:
    """Flag the entry when the screen's verdict on its text (`hit`, found before the
    patient's lock was taken) suggests risk, and alert at once.

    A replayed create writes nothing: it answers with the flag raised the first time.
    """
    if hit is None:
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
        flag = raise_flag(
            db,
            patient_id=entry.patient_id,
            category=hit.category,
            rule=hit.rule,
            now=now,
            entry_id=entry.id,
            level=hit.level,
            escalation=escalation,
        )
    sees: Sees = "entry" if entry.is_shared else "flag_only"
    return safety_block(
        db, flag=flag, sees=sees, resources=resources, keyring=keyring, locale=locale
    )


def open_flags_of(
    db: Session, patient_ids: list[uuid.UUID], *, now: datetime
) -> dict[uuid.UUID, list[OpenFlag]]:
    """Unacknowledged flags per patient, oldest first, each with its entry's window
    and its deadline (`acknowledge_by`, see `deadline`).

    The entry id is given only for a live shared entry: of a private or deleted
    one the care team learns that a flag was raised, never which text raised it.
    """
    if not patient_ids:
        return {}
    rows = db.exec(
        select(SafetyFlag, JournalEntry.session_id, JournalEntry.is_shared, JournalEntry.deleted_at)
        # Outer: a flag raised by a questionnaire answer has no entry.
        .outerjoin(JournalEntry, col(JournalEntry.id) == SafetyFlag.entry_id)
        .where(
            col(SafetyFlag.patient_id).in_(patient_ids), col(SafetyFlag.acknowledged_at).is_(None)
        )
        .order_by(col(SafetyFlag.raised_at), col(SafetyFlag.id))
    ).all()
    planned = integration_times(db, list({f.patient_id for f, *_ in rows}))
    out: dict[uuid.UUID, list[OpenFlag]] = {}
    for flag, session_id, shared, deleted_at in rows:
        # A flag without an entry (a questionnaire's) has no entry row: shared is None.
        visible = shared is True and deleted_at is None
        by = deadline(flag.raised_at, planned.get(flag.patient_id, []))
        out.setdefault(flag.patient_id, []).append(
            OpenFlag(
                id=flag.id,
                level="urgent" if flag.level == "urgent" else "review",
                raised_at=flag.raised_at,
                session_id=session_id,
                entry_id=flag.entry_id if visible else None,
                on_private_entry=shared is False,
                acknowledge_by=by,
                acknowledge_before="integration_session" if by is not None else "next_dose",
                overdue=by is not None and by <= now,
            )
        )
    return out


__all__ = ["Escalation", "raise_flag", "safety_block", "screen_entry"]
