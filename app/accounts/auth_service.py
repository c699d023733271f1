"""Sign-in, token rotation, sign-out and password change."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.accounts.errors import PasswordUnchanged
from app.accounts.models import RefreshToken, SignIn, User
from app.accounts.passwords import check_new_password
from app.core.errors import InvalidCredentials, InvalidToken
from app.core.security import (
    TokenConfig,
    hash_password,
    hash_token,
    issue_access_token,
    new_refresh_token,
    verify_password,
)


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    expires_in: int
    device_token: str | None = None  # a new sign-in's, see app/accounts/known_devices.py


class RefreshTokenReused(InvalidToken):
    code = "refresh_token_reused"
    title = "The refresh token was already used; every session of this sign-in has ended"
    # For the security log, never for the answer.
    user_id: uuid.UUID | None = None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(db: Session, email: str) -> User | None:
    return db.exec(select(User).where(User.email == normalize_email(email))).first()


def authenticate(db: Session, *, email: str, password: str) -> User:
    """The active user with this email and password, or InvalidCredentials."""
    user = None if "\x00" in email else find_user_by_email(db, email)
    # An invited account has no password until it accepts its invitation.
    usable = (
        user is not None and user.is_active and bool(user.password_hash) and len(password) <= 1024
    )
    ok = verify_password(password[:1024], user.password_hash if usable and user else None)
    if not ok or user is None or not usable:
        raise InvalidCredentials()
    return user


def _issue(
    db: Session,
    cfg: TokenConfig,
    user: User,
    sign_in: SignIn,
    *,
    now: datetime,
    ttl: timedelta,
    ends_at: datetime | None,
) -> IssuedTokens:
    """A refresh token of the sign-in, and an access token carrying its factors."""
    sign_in_id, amr = sign_in.id, sign_in.amr
    refresh = new_refresh_token()
    expires_at = now + ttl if ends_at is None else min(now + ttl, ends_at)
    db.add(
        RefreshToken(
            sign_in_id=sign_in_id,
            token_hash=hash_token(refresh),
            created_at=now,
            expires_at=expires_at,
        )
    )
    db.flush()
    access = issue_access_token(
        cfg, user_id=user.id, sign_in_id=sign_in_id, role=user.role, now=now, amr=amr
    )
    return IssuedTokens(access, refresh, int(cfg.access_ttl.total_seconds()))


def start_session(
    db: Session,
    cfg: TokenConfig,
    *,
    user: User,
    now: datetime,
    refresh_ttl: timedelta,
    max_age: timedelta | None = None,
    user_agent: str | None = None,
    amr: str = "pwd",
) -> IssuedTokens:
    """A new sign-in; with `max_age`, no refresh token outlives created_at + max_age."""
    session = SignIn(
        user_id=user.id, created_at=now, last_used_at=now, user_agent=user_agent, amr=amr
    )
    db.add(session)
    db.flush()
    ends_at = now + max_age if max_age is not None else None
    return _issue(db, cfg, user, session, now=now, ttl=refresh_ttl, ends_at=ends_at)


def revoke_sign_in(db: Session, sign_in_id: uuid.UUID, *, now: datetime, reason: str) -> None:
    db.execute(
        update(SignIn)
        .where(col(SignIn.id) == sign_in_id, col(SignIn.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )


def revoke_user_sign_ins(
    db: Session,
    user_id: uuid.UUID,
    *,
    now: datetime,
    reason: str,
    keep: uuid.UUID | None = None,
) -> None:
    stmt = update(SignIn).where(col(SignIn.user_id) == user_id, col(SignIn.revoked_at).is_(None))
    if keep is not None:
        stmt = stmt.where(col(SignIn.id) != keep)
    db.execute(stmt.values(revoked_at=now, revoked_reason=reason))


def rotate(
    db: Session,
    cfg: TokenConfig,
    *,
    refresh_token: str,
    now: datetime,
    refresh_ttl: timedelta,
    max_age: Callable[[User], timedelta] | None = None,
) -> tuple[IssuedTokens, RefreshTokenReused | None]:
    """A new pair for a live refresh token.

    Reuse of a rotated token revokes the whole sign-in; the caller commits that
    revocation and then answers with the returned error.
    """
    row = db.exec(
        select(RefreshToken, SignIn, User)
        .join(SignIn, col(SignIn.id) == RefreshToken.sign_in_id)
        .join(User, col(User.id) == SignIn.user_id)
        .where(RefreshToken.token_hash == hash_token(refresh_token))
    ).first()
    if row is None:
        raise InvalidToken()
    token, session, user = row
    if session.revoked_at is not None or not user.is_active or token.expires_at <= now:
        raise InvalidToken()
    # Conditional update: of two concurrent uses of one token, only one wins.
    claimed = db.execute(
        update(RefreshToken)
        .where(col(RefreshToken.id) == token.id, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        revoke_sign_in(db, session.id, now=now, reason="refresh_reuse")
        reused = RefreshTokenReused()
        reused.user_id = user.id
        return IssuedTokens("", "", 0), reused
    # The sign-in's absolute end: rotation never moves it.
    ends_at = session.created_at + max_age(user) if max_age is not None else None
    if ends_at is not None and ends_at <= now:
        raise InvalidToken()
    session.last_used_at = now
    db.add(session)
    return _issue(db, cfg, user, session, now=now, ttl=refresh_ttl, ends_at=ends_at), None


def logout(
    db: Session,
    *,
    user_id: uuid.UUID,
    current_session: uuid.UUID,
    refresh_token: str,
    now: datetime,
) -> None:
    """End the caller's sign-in, and the one the refresh token belongs to if it is theirs."""
    revoke_sign_in(db, current_session, now=now, reason="logout")
    row = db.exec(
        select(SignIn)
        .join(RefreshToken, col(RefreshToken.sign_in_id) == SignIn.id)
        .where(RefreshToken.token_hash == hash_token(refresh_token))
    ).first()
    if row is not None and row.user_id == user_id:
        revoke_sign_in(db, row.id, now=now, reason="logout")


def change_password(
    db: Session,
    *,
    user: User,
    current_session: uuid.UUID,
    current_password: str,
    new_password: str,
    now: datetime,
) -> None:
    if not verify_password(current_password, user.password_hash or None):
        raise InvalidCredentials("The current password is wrong.")
    if new_password == current_password:
        raise PasswordUnchanged()
    check_new_password(new_password, context=[user.email, user.display_name])
    user.password_hash = hash_password(new_password)
    user.updated_at = now
    db.add(user)
    revoke_user_sign_ins(db, user.id, now=now, reason="password_change", keep=current_session)
    db.flush()
