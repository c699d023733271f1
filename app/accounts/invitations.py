"""One-time invitations: nobody sets another person's password."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.accounts.models import Invitation, User
from app.accounts.passwords import check_new_password
from app.core.errors import AppError, NotFound
from app.core.security import hash_password, hash_token, new_refresh_token, verify_password


class InvitationNotFound(NotFound, code="invitation_not_found", title="No such invitation"): ...


class InvitationGone(
    AppError,
    status=410,
    code="invitation_gone",
    title="This invitation was already used, replaced or has expired",
): ...


@dataclass(frozen=True)
class IssuedInvitation:
    id: uuid.UUID
    token: str
    expires_at: datetime


def last_address(db: Session, *, user_id: uuid.UUID) -> str | None:
    """Where this account's invitations were emailed, most recently."""
    return db.exec(
        select(Invitation.sent_to)
        .where(Invitation.user_id == user_id, col(Invitation.sent_to).is_not(None))
        .order_by(col(Invitation.created_at).desc())
    ).first()


def invite(
    db: Session,
    *,
    user: User,
    now: datetime,
    valid_for: timedelta,
    sent_to: str | None = None,
) -> IssuedInvitation:
    """A new one-time token for `user`; any earlier open invitation stops working."""
    db.execute(
        update(Invitation)
        .where(
            col(Invitation.user_id) == user.id,
            col(Invitation.used_at).is_(None),
            col(Invitation.voided_at).is_(None),
        )
        .values(voided_at=now)
    )
    token = new_refresh_token()
    row = Invitation(
        user_id=user.id,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + valid_for,
        sent_to=sent_to,
    )
    db.add(row)
    db.flush()
    return IssuedInvitation(id=row.id, token=token, expires_at=row.expires_at)


def accept(db: Session, *, token: str, password: str, now: datetime) -> User:
    """Set the invited account's password; answers the account to sign in.

    A wrong token costs a password hash like a right one, so the answer's
    timing does not tell which tokens exist.
    """
    row = db.exec(
        select(Invitation, User)
        .join(User, col(User.id) == Invitation.user_id)
        .where(Invitation.token_hash == hash_token(token))
    ).first()
    if row is None:
        verify_password(password[:1024], None)  # the same Argon2 cost as a real acceptance
        raise InvitationNotFound()
    invitation, user = row
    if (
        invitation.used_at is not None
        or invitation.voided_at is not None
        or invitation.expires_at <= now
        or not user.is_active
    ):
        raise InvitationGone()
    check_new_password(password, context=[user.email, user.display_name])
    # Conditional update: of two concurrent acceptances, one wins.
    claimed = db.execute(
        update(Invitation)
        .where(col(Invitation.id) == invitation.id, col(Invitation.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvitationGone()
    user.password_hash = hash_password(password)
    user.updated_at = now
    db.add(user)
    db.flush()
    return user
