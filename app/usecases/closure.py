"""The patient closes their account; an admin puts a patient under legal hold.

The answer says plainly what is erased and what the clinic keeps, why and until
when (docs/privacy.md). Every sign-in ends at once; the worker erases within 24 h.
"""

import uuid
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from app.accounts.models import Role, SignIn, User
from app.closure.errors import LegalHoldExists, NoLegalHold
from app.closure.models import AccountClosure, LegalHold
from app.closure.schemas import ClosureItem, ClosurePublic, LegalHoldPublic
from app.closure.service import on_hold
from app.core.errors import NotFound
from app.usecases.act import Act

ERASE_WITHIN = timedelta(hours=24)


def _items(act: Act) -> tuple[list[ClosureItem], list[ClosureItem]]:
    you = "You asked to close your account"
    years = f"{act.settings.retention_years} years after your last clinical contact"
    record = "The clinic must keep its treatment record (a legal duty)"
    erased = [
        ClosureItem(what=w, why=you, until=None)
        for w in (
            "Private journal entries, and shared ones your care team never reviewed",
            "Your devices and push tokens",
            "Every sign-in (they end now)",
            "Your safety plan's earlier versions",
            "Your name, email, time zone and language",
            "Your notifications",
        )
    ]
    retained = [
        ClosureItem(what=w, why=record, until=years)
        for w in (
            "Shared entries your care team reviewed, and their reviews",
            "Safety flags and what the care team did about them",
            "Questionnaire answers",
            "Ketamine sessions and integration sessions",
            "Your current safety plan",
            "Your consent decisions and episodes of care",
        )
    ]
    retained.append(
        ClosureItem(
            what="The record of who accessed your data",
            why="Required by law (HIPAA access records)",
            until=f"{act.settings.audit_retention_years} years after each access",
        )
    )
    return erased, retained


def close_account(act: Act) -> ClosurePublic:
    """Idempotent: asking again answers the same request."""
    pid = act.actor_id
    closure = act.db.get(AccountClosure, pid)
    if closure is None:
        closure = AccountClosure(patient_id=pid, requested_at=act.now)
        act.db.add(closure)
        user = act.db.get(User, pid)
        if user is not None:
            user.is_active = False  # its tokens fail at once
            act.db.add(user)
        act.db.execute(
            update(SignIn)
            .where(col(SignIn.user_id) == pid, col(SignIn.revoked_at).is_(None))
            .values(revoked_at=act.now, revoked_reason="account_closed")
        )
        act.db.flush()
        act.audit.record_own("account.closure", pid, "account", pid)
    erased, retained = _items(act)
    return ClosurePublic(
        requested_at=closure.requested_at,
        erase_by=closure.requested_at + ERASE_WITHIN,
        erased=erased,
        retained=retained,
    )


def _patient(act: Act, patient_id: uuid.UUID) -> None:
    user = act.db.get(User, patient_id)
    if user is None or user.role != Role.patient:
        raise NotFound("No such patient.")


def place_hold(act: Act, *, patient_id: uuid.UUID, reason: str) -> LegalHoldPublic:
    _patient(act, patient_id)
    if on_hold(act.db, patient_id):
        raise LegalHoldExists()
    hold = LegalHold(
        patient_id=patient_id, reason=reason, placed_by=act.actor_id, placed_at=act.now
    )
    act.db.add(hold)
    act.db.flush()
    act.audit.record("legal_hold.place", patient_id, "legal_hold", hold.id)
    return LegalHoldPublic(id=hold.id, patient_id=patient_id, reason=reason, placed_at=act.now)


def lift_hold(act: Act, *, patient_id: uuid.UUID) -> None:
    # No such patient and no hold answer alike: there is nothing to lift.
    hold = act.db.exec(
        select(LegalHold).where(
            LegalHold.patient_id == patient_id, col(LegalHold.lifted_at).is_(None)
        )
    ).first()
    if hold is None:
        raise NoLegalHold()
    hold.lifted_at, hold.lifted_by = act.now, act.actor_id
    act.db.add(hold)
    act.db.flush()
    act.audit.record("legal_hold.lift", patient_id, "legal_hold", hold.id)
