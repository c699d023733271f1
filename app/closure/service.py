"""Closing an account: what is erased at once, what the clinic keeps, and the purge.

Erasure (within 24 hours, the worker): private and unreviewed entries lose their
text, devices, sign-ins, MFA secrets, notifications, idempotency keys and the safety
plan's history go, and the profile is blanked. The clinical record stays until
KAPJ_RETENTION_YEARS after the last clinical contact; then every row of the patient
goes except a nameless account row and the audit trail (its own retention).
A legal hold stops both until it is lifted.
"""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from app.accounts.models import User
from app.closure.models import AccountClosure, LegalHold
from app.core.idempotency import IdempotencyKey
from app.entries.models import JournalEntry
from app.integration.models import IntegrationSession
from app.questionnaires.models import QuestionnaireResponse
from app.reviews.models import EntryReview
from app.safety.models import SafetyFlag
from app.sessions.models import KetamineSession

# Never purged with the patient: the trail, the proof of closure and holds, the texts.
KEPT = {"user_account", "audit_event", "account_closure", "legal_hold", "consent_document"}
# Erased at closure (rows of the patient), besides entry texts and the profile.
ERASED = (
    "device",
    "idempotency_key",
    "recovery_code",
    "invitation",
    "refresh_token",
    "sign_in",
    "notification_attempt",
    "notification_delivery",
    "notification",
    "safety_plan_version",
)


def on_hold(db: Session, patient_id: uuid.UUID) -> bool:
    return (
        db.exec(
            select(LegalHold.id).where(
                LegalHold.patient_id == patient_id, col(LegalHold.lifted_at).is_(None)
            )
        ).first()
        is not None
    )


def _owned(table: sa.Table, pid: uuid.UUID) -> Any:
    """SQL: the rows of this table that belong to the patient (directly or via a parent)."""
    c, t = table.c, SQLModel.metadata.tables
    if "patient_id" in c:
        return c.patient_id == pid
    if "user_id" in c:
        return c.user_id == pid
    if "entry_id" in c:
        return c.entry_id.in_(
            select(t["journal_entry"].c.id).where(t["journal_entry"].c.patient_id == pid)
        )
    if "notification_id" in c:
        n = t["notification"]
        return c.notification_id.in_(select(n.c.id).where(n.c.user_id == pid))
    if "sign_in_id" in c:
        s = t["sign_in"]
        return c.sign_in_id.in_(select(s.c.id).where(s.c.user_id == pid))
    return None


def _delete(db: Session, names: set[str] | tuple[str, ...], pid: uuid.UUID) -> None:
    for table in reversed(SQLModel.metadata.sorted_tables):  # children first
        if table.name in names:
            where = _owned(table, pid)
            if where is not None:
                db.execute(sa.delete(table).where(where))


def erase(db: Session, closure: AccountClosure, *, now: datetime) -> None:
    pid = closure.patient_id
    reviewed = select(EntryReview.entry_id)
    keep = sa.and_(col(JournalEntry.is_shared).is_(True), col(JournalEntry.id).in_(reviewed))
    db.execute(
        sa.update(JournalEntry)
        .where(col(JournalEntry.patient_id) == pid, sa.not_(keep))
        .values(
            body_ciphertext=None,
            mood=None,
            request_hash="",
            is_shared=False,
            deleted_at=sa.func.coalesce(col(JournalEntry.deleted_at), now),
            updated_at=now,
        )
    )
    db.execute(sa.delete(IdempotencyKey).where(col(IdempotencyKey.user_id) == pid))
    _delete(db, ERASED, pid)
    user = db.get(User, pid)
    if user is not None:
        user.email = f"closed-{pid.hex}@closed.invalid"
        user.display_name, user.timezone, user.locale = "", "UTC", None
        user.password_hash, user.totp_secret, user.totp_confirmed_at = "", None, None
        user.is_active, user.updated_at = False, now
        db.add(user)
    closure.last_clinical_contact_at = last_clinical_contact(db, pid) or closure.requested_at
    closure.erased_at = now
    db.add(closure)
    db.flush()


def last_clinical_contact(db: Session, pid: uuid.UUID) -> datetime | None:
    times = [
        db.exec(
            select(sa.func.max(KetamineSession.administered_at)).where(
                KetamineSession.patient_id == pid
            )
        ).one(),
        db.exec(
            select(sa.func.max(IntegrationSession.scheduled_at)).where(
                IntegrationSession.patient_id == pid
            )
        ).one(),
        db.exec(
            select(sa.func.max(SafetyFlag.raised_at)).where(SafetyFlag.patient_id == pid)
        ).one(),
        db.exec(
            select(sa.func.max(QuestionnaireResponse.answered_at)).where(
                QuestionnaireResponse.patient_id == pid
            )
        ).one(),
        db.exec(
            select(sa.func.max(EntryReview.reviewed_at))
            .join(JournalEntry, col(JournalEntry.id) == EntryReview.entry_id)
            .where(JournalEntry.patient_id == pid)
        ).one(),
    ]
    found = [t for t in times if t is not None]
    return max(found) if found else None


def purge(db: Session, closure: AccountClosure, *, now: datetime) -> None:
    names = set(SQLModel.metadata.tables) - KEPT
    _delete(db, names, closure.patient_id)
    closure.purged_at = now
    db.add(closure)
    db.flush()


def due_erasures(db: Session) -> list[AccountClosure]:
    rows = db.exec(select(AccountClosure).where(col(AccountClosure.erased_at).is_(None))).all()
    return [c for c in rows if not on_hold(db, c.patient_id)]


def due_purges(db: Session, *, before: datetime) -> list[AccountClosure]:
    rows = db.exec(
        select(AccountClosure).where(
            col(AccountClosure.erased_at).is_not(None),
            col(AccountClosure.purged_at).is_(None),
            col(AccountClosure.last_clinical_contact_at) < before,
        )
    ).all()
    return [c for c in rows if not on_hold(db, c.patient_id)]
