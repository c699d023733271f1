"""One-time invitations: nobody sets another person's password."""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.accounts.errors import InvitationGone, InvitationNotFound
from app.accounts.models import Invitation, User
from app.accounts.passwords import check_new_password
from app.core.crypto import KeyRing
from app.core.security import hash_password, hash_token, new_refresh_token

# What new_refresh_token() makes: 32 random bytes, base64url without padding.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


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


def lookup_hash(keyring: KeyRing, token: str) -> str:
    """What is stored of a token: keyed (HMAC), so a database dump alone can't be
    matched against a leaked token list or used to mint a lookup."""
    return keyring.fingerprint(hash_token(token))


def invite(
    db: Session,
    keyring: KeyRing,
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
        token_hash=lookup_hash(keyring, token),
        created_at=now,
        expires_at=now + valid_for,
        sent_to=sent_to,
    )
    db.add(row)
    db.flush()
    return IssuedInvitation(id=row.id, token=token, expires_at=row.expires_at)


def well_formed(token: str) -> bool:
    """Whether `token` could be one of ours, checked before anything costly."""
    return TOKEN_SHAPE.fullmatch(token) is not None


def accept(db: Session, keyring: KeyRing, *, token: str, password: str, now: datetime) -> User:
    """Set the invited account's password; answers the account to sign in.

    The token is checked first (its shape, then its keyed hash in one indexed lookup;
    an invitation issued before the hash was keyed is still found by its plain one);
    only a live invitation costs a password check and an Argon2 hash, so unknown
    tokens make the server do no expensive work. That answering fast tells which
    tokens exist matters not: they are 256 random bits.
    """
    if not well_formed(token):
        raise InvitationNotFound()
    row = db.exec(
        select(Invitation, User)
        .join(User, col(User.id) == Invitation.user_id)
        .where(col(Invitation.token_hash).in_([lookup_hash(keyring, token), hash_token(token)]))
    ).first()
    if row is None:
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
