"""Who sees and closes flags: the care team and the on-call staff; escalation.

A flag is acknowledged once, with an outcome and an optional encrypted note. A
flag nobody acknowledged in time escalates: the rows are planned in the outbox
when the flag is raised and checked when they fall due (`still_open`), like the
journaling reminders.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.accounts.models import CareTeamMember, Role, User
from app.accounts.service import patients_of
from app.core.config import Settings
from app.core.crypto import KeyRing
from app.core.pagination import cut_page, keyset
from app.counts import service as counts
from app.entries.models import JournalEntry
from app.integration.models import IntegrationSession
from app.notifications.models import Notification, NotificationStatus
from app.notifications.outbox import enqueue
from app.safety.errors import FlagAlreadyAcknowledged, FlagNotFound, UnacknowledgedFlags
from app.safety.metrics import count_acknowledgement
from app.safety.models import SafetyFlag
from app.safety.schemas import FlagAcknowledge, FlagLevel, FlagOutcome, SafetyFlagPublic

STAFF = (Role.therapist.value, Role.admin.value)
ESCALATION_KIND = "safety_escalation"
ESCALATION_CONDITION = "flag_unacknowledged"


@dataclass(frozen=True)
class Escalation:
    """The clinic's escalation time and on-call staff, from the settings."""

    after: timedelta = timedelta(minutes=30)
    oncall_emails: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Escalation":
        return cls(
            after=timedelta(minutes=settings.safety_escalation_minutes),
            oncall_emails=tuple(settings.safety_oncall_emails),
        )


def oncall_staff(db: Session, emails: tuple[str, ...]) -> list[uuid.UUID]:
    """The active therapist and admin accounts among the on-call emails.

    A listed address that is a patient's, or no account's, is never on call.
    """
    if not emails:
        return []
    return list(
        db.exec(
            select(User.id).where(
                col(User.email).in_(emails),
                col(User.role).in_(STAFF),
                col(User.is_active).is_(True),
            )
        ).all()
    )


def is_on_call(db: Session, user_id: uuid.UUID, emails: tuple[str, ...]) -> bool:
    return bool(emails) and user_id in oncall_staff(db, emails)


def plan_escalation(
    db: Session, *, flag: SafetyFlag, recipients: list[uuid.UUID], after: timedelta, now: datetime
) -> None:
    """One urgent row per recipient, due when the flag would escalate.

    Urgent rows are due at their time whatever the hour (no quiet hours), and
    their text carries no health detail: lock screens are public.
    """
    for user_id in dict.fromkeys(recipients):
        enqueue(
            db,
            user_id=user_id,
            kind=ESCALATION_KIND,
            dedupe_key=f"{ESCALATION_KIND}:{flag.id}:{user_id}",
            due_at=now + after,
            title="A safety flag needs attention",
            body="Open kap-journal: a safety flag has not been acknowledged.",
            data={
                "urgent": True,
                "level": flag.level,
                "flag_id": str(flag.id),
                "patient_id": str(flag.patient_id),
                "condition": ESCALATION_CONDITION,
            },
            now=now,
            known_new=True,  # keyed by the new flag's id
        )


def still_open(db: Session, n: Notification) -> bool:
    """An escalation is sent only while its flag is still unacknowledged."""
    flag = db.get(SafetyFlag, uuid.UUID(str(n.data["flag_id"])))
    return flag is not None and flag.acknowledged_at is None


def open_before(db: Session, patient_id: uuid.UUID, at: datetime) -> list[uuid.UUID]:
    """The patient's unacknowledged flags raised at or before `at`, oldest first."""
    return list(
        db.exec(
            select(SafetyFlag.id)
            .where(
                SafetyFlag.patient_id == patient_id,
                col(SafetyFlag.acknowledged_at).is_(None),
                col(SafetyFlag.raised_at) <= at,
            )
            .order_by(col(SafetyFlag.raised_at), col(SafetyFlag.id))
        ).all()
    )


def require_acknowledged_before_dose(
    db: Session, patient_id: uuid.UUID, administered_at: datetime
) -> None:
    """A flag must be acknowledged before the next dose: recording a dose while one
    raised before it is open is refused, naming the flags (409)."""
    ids = open_before(db, patient_id, administered_at)
    if ids:
        raise UnacknowledgedFlags(
            f"Acknowledge the patient's {len(ids)} open safety flag(s), with an outcome, "
            "before recording the next ketamine session.",
            extra={"flag_ids": [str(i) for i in ids]},
        )


def integration_times(db: Session, patient_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[datetime]]:
    """Each patient's integration session times, earliest first."""
    if not patient_ids:
        return {}
    rows = db.exec(
        select(IntegrationSession.patient_id, IntegrationSession.scheduled_at)
        .where(col(IntegrationSession.patient_id).in_(patient_ids))
        .order_by(col(IntegrationSession.scheduled_at))
    ).all()
    out: dict[uuid.UUID, list[datetime]] = {}
    for patient_id, at in rows:
        out.setdefault(patient_id, []).append(at)
    return out


def deadline(raised_at: datetime, integration_at: list[datetime]) -> datetime | None:
    """When a flag must be acknowledged by: the first integration session at or after
    it was raised. None when none is planned: then before the next dose, which is
    refused while the flag is open (`require_acknowledged_before_dose`)."""
    return next((t for t in integration_at if t >= raised_at), None)


def get_flag(db: Session, flag_id: uuid.UUID) -> SafetyFlag:
    flag = db.get(SafetyFlag, flag_id)
    if flag is None:
        raise FlagNotFound()
    return flag


def _note_aad(flag_id: uuid.UUID) -> bytes:
    return b"safety_flag_note:" + flag_id.bytes


def acknowledge(
    db: Session,
    *,
    flag: SafetyFlag,
    by: uuid.UUID,
    given: FlagAcknowledge,
    keyring: KeyRing,
    now: datetime,
) -> SafetyFlag:
    """Close the flag once, with its outcome; the pending escalation is cancelled."""
    db.refresh(flag, with_for_update=True)  # two acknowledgements queue here
    if flag.acknowledged_at is not None:
        raise FlagAlreadyAcknowledged()
    flag.acknowledged_at, flag.acknowledged_by = now, by
    flag.outcome = given.outcome.value
    note = given.note
    flag.note_ciphertext = keyring.encrypt(note, aad=_note_aad(flag.id)) if note else None
    db.add(flag)
    db.execute(
        update(Notification)
        .where(
            col(Notification.dedupe_key).startswith(f"{ESCALATION_KIND}:{flag.id}:"),
            col(Notification.status) == NotificationStatus.pending,
        )
        .values(status=NotificationStatus.cancelled, updated_at=now)
    )
    db.flush()
    counts.adjust(db, flag.patient_id, open_flags=-1)
    count_acknowledgement(category=flag.category, rule=flag.rule, outcome=flag.outcome)
    return flag


def flag_public(
    flag: SafetyFlag,
    *,
    is_shared: bool | None,
    deleted_at: datetime | None,
    show_entry: bool,
    keyring: KeyRing,
) -> SafetyFlagPublic:
    """The flag as staff see it: the entry id only for a live shared entry, and
    only when `show_entry` (the caller is on the care team)."""
    visible = show_entry and is_shared is True and deleted_at is None
    note = (
        keyring.decrypt(flag.note_ciphertext, aad=_note_aad(flag.id))
        if flag.note_ciphertext
        else None
    )
    return SafetyFlagPublic(
        id=flag.id,
        patient_id=flag.patient_id,
        source=flag.source,
        category=flag.category,
        rule=flag.rule,
        level="urgent" if flag.level == "urgent" else "review",
        is_urgent=flag.level == "urgent",
        entry_id=flag.entry_id if visible else None,
        on_private_entry=is_shared is False,
        response_id=flag.response_id,
        alerted=flag.alerted,
        raised_at=flag.raised_at,
        acknowledged_at=flag.acknowledged_at,
        acknowledged_by=flag.acknowledged_by,
        outcome=FlagOutcome(flag.outcome) if flag.outcome else None,
        note=note,
    )


def entry_state(db: Session, flag: SafetyFlag) -> tuple[bool | None, datetime | None]:
    if flag.entry_id is None:
        return None, None
    entry = db.get(JournalEntry, flag.entry_id)
    return (entry.is_shared, entry.deleted_at) if entry is not None else (None, None)


@dataclass(frozen=True)
class FlagQuery:
    """Whose flags a staff member lists (every patient's for the on-call staff) and which."""

    staff_id: uuid.UUID
    on_call: bool
    acknowledged: bool
    level: FlagLevel | None = None


def list_flags(
    db: Session, query: FlagQuery, *, limit: int, cursor: str | None
) -> tuple[list[tuple[SafetyFlag, bool | None, datetime | None, bool]], str | None]:
    """Flags of the caller's patients (all patients for the on-call staff).

    Open flags oldest first (the longest waiting at the top); acknowledged ones
    newest first. Each row: the flag, its entry's sharing and deletion, and
    whether the caller is on that patient's care team.
    """
    staff_id, acknowledged, level = query.staff_id, query.acknowledged, query.level
    stmt: Any = select(SafetyFlag, JournalEntry.is_shared, JournalEntry.deleted_at).outerjoin(
        JournalEntry, col(JournalEntry.id) == SafetyFlag.entry_id
    )
    if not query.on_call:
        team = select(CareTeamMember.patient_id).where(CareTeamMember.therapist_id == staff_id)
        stmt = stmt.where(col(SafetyFlag.patient_id).in_(team))
    state = col(SafetyFlag.acknowledged_at)
    stmt = stmt.where(state.is_not(None) if acknowledged else state.is_(None))
    if level is not None:
        stmt = stmt.where(col(SafetyFlag.level) == level)
    stmt = keyset(
        stmt, col(SafetyFlag.raised_at), col(SafetyFlag.id), cursor, descending=acknowledged
    )
    rows = list(db.exec(stmt.limit(limit + 1)).all())
    page, next_cursor = cut_page(rows, limit, lambda r: (r[0].raised_at, r[0].id))
    mine = set(patients_of(db, staff_id))
    return [(f, shared, deleted, f.patient_id in mine) for f, shared, deleted in page], next_cursor


def note_of(flag: SafetyFlag, keyring: KeyRing) -> str | None:
    """The acknowledger's note, decrypted for staff who may see the flag."""
    if not flag.note_ciphertext:
        return None
    return keyring.decrypt(flag.note_ciphertext, aad=_note_aad(flag.id))


def history_of(
    db: Session, patient_id: uuid.UUID, *, limit: int = 100
) -> list[tuple[SafetyFlag, str | None]]:
    """A patient's flags, newest first, each with the name of who acknowledged it."""
    rows = db.exec(
        select(SafetyFlag, User.display_name)
        .outerjoin(User, col(User.id) == SafetyFlag.acknowledged_by)
        .where(SafetyFlag.patient_id == patient_id)
        .order_by(col(SafetyFlag.raised_at).desc(), col(SafetyFlag.id))
        .limit(limit)
    ).all()
    return [(f, name) for f, name in rows]


def levels_by_entry(db: Session, entry_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The most urgent level of the flags raised on each entry, open or closed."""
    if not entry_ids:
        return {}
    out: dict[uuid.UUID, str] = {}
    for entry_id, level in db.exec(
        select(SafetyFlag.entry_id, SafetyFlag.level).where(col(SafetyFlag.entry_id).in_(entry_ids))
    ).all():
        if entry_id is not None and out.get(entry_id) != "urgent":
            out[entry_id] = "urgent" if level == "urgent" else "review"
    return out
