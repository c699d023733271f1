"""Signing in to the clinic: cookie sessions held in the API's sign-in table.

The cookie carries an access token of a normal sign-in (`SignIn`), issued
with the clinic's idle timeout as its lifetime and renewed on every page, so
sign-out, a password change and deactivation end it at once, exactly as they end
API tokens. The sign-in's `created_at` bounds its absolute lifetime.
"""

import hashlib
import hmac
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session, col, select

from app.accounts import auth_service, known_devices, login, mfa
from app.accounts.auth_service import IssuedTokens
from app.accounts.deps import Caller
from app.accounts.models import Role, SignIn, User
from app.clinic.errors import ClinicPageNotFound, CsrfRejected, SignInRequired
from app.clinic.i18n import choose
from app.core.clock import Now
from app.core.context import AppContext, Ctx
from app.core.db import DbDep
from app.core.errors import InvalidCredentials
from app.core.security import TokenConfig, decode_access_token, issue_access_token
from app.usecases import accounts as accounts_use

COOKIE = "kapj_clinic"
LOGIN_COOKIE = "kapj_clinic_login"
DEVICE_COOKIE = "kapj_clinic_device"  # a device token (app/accounts/known_devices.py)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
STAFF = (Role.therapist, Role.admin)


@dataclass(frozen=True)
class ClinicUser:
    caller: Caller
    display_name: str
    timezone: str
    csrf: str
    cookie: str  # the renewed cookie value, set on the response


def _mac(ctx: AppContext, purpose: str, value: bytes) -> str:
    key = ctx.tokens.key.encode()
    return hmac.new(key, purpose.encode() + b":" + value, hashlib.sha256).hexdigest()


def same(sent: str, expected: str) -> bool:
    """Constant-time comparison of whatever was sent (any text, even unencodable)."""
    return hmac.compare_digest(sent.encode("utf-8", "replace"), expected.encode())


def csrf_for_sign_in(ctx: AppContext, sign_in_id: uuid.UUID) -> str:
    """The CSRF token of a sign-in: derived, so nothing more is stored."""
    return _mac(ctx, "clinic-csrf", sign_in_id.bytes)


def csrf_for_login(ctx: AppContext, nonce: str) -> str:
    """Before sign-in the token is bound to a random cookie (double submit)."""
    return _mac(ctx, "clinic-login", nonce.encode())


def cookie_tokens(ctx: AppContext) -> TokenConfig:
    """The clinic cookie's tokens: their own audience, so an API access token is no
    cookie (nor renews as one) and a cookie's token is no API bearer token."""
    return replace(
        ctx.tokens,
        audience=f"{ctx.tokens.audience}:clinic",
        access_ttl=timedelta(minutes=ctx.settings.clinic_idle_minutes),
    )


@dataclass(frozen=True)
class SignInStep:
    """What follows the password: a cookie (signed in), a code, or enrolment.

    `mfa_token` is the API's own short-lived token of the password step
    (app.accounts.mfa); the clinic carries it in a hidden field to the next form.
    """

    cookie: str | None = None
    mfa_token: str | None = None
    enrol: bool = False


def staff_member(db: Session, user_id: uuid.UUID) -> User:
    """Patients get the same answer as a wrong password: no hint who has an account."""
    user = db.get(User, user_id)
    if user is None or user.role not in STAFF or not user.is_active:
        raise InvalidCredentials()
    return user


def sign_in(
    db: Session, ctx: AppContext, attempt: login.Attempt, given: login.Credentials
) -> SignInStep:
    """The API's sign-in (its throttles and checks, app.accounts.login), staff only."""
    now = attempt.now
    result = login.sign_in(db, ctx, attempt, given)
    if result.mfa_token is not None:
        staff_member(db, mfa.decode_mfa_token(ctx.tokens, result.mfa_token, now=now))
        return SignInStep(mfa_token=result.mfa_token)
    if result.tokens is None:  # pragma: no cover - login.sign_in answers one or the other
        raise InvalidCredentials()
    return after_password(db, ctx, result.tokens, now)


def after_password(db: Session, ctx: AppContext, tokens: IssuedTokens, now: datetime) -> SignInStep:
    """A sign-in the API's login made: the clinic's cookie, or enrolment first.

    A patient's sign-in ends at once and answers InvalidCredentials.
    """
    claims = decode_access_token(ctx.tokens, tokens.access_token, now=now)
    if claims is None:  # pragma: no cover - issued just before
        raise InvalidCredentials()
    try:
        user = staff_member(db, claims.user_id)
    except InvalidCredentials:
        auth_service.revoke_sign_in(db, claims.sign_in_id, now=now, reason="clinic_refused")
        raise
    if ctx.settings.staff_mfa_required and not mfa.is_enrolled(user):
        # KAPJ_REQUIRE_STAFF_MFA: enrol first (the enrol form continues with this token).
        auth_service.revoke_sign_in(db, claims.sign_in_id, now=now, reason="mfa_enrolment")
        return SignInStep(
            mfa_token=mfa.issue_mfa_token(ctx.tokens, user_id=user.id, now=now), enrol=True
        )
    return SignInStep(cookie=_cookie(ctx, user.id, claims.sign_in_id, user.role, now))


def cookie_of(ctx: AppContext, tokens: IssuedTokens, now: datetime) -> str:
    """The clinic cookie of a sign-in the API's login made."""
    claims = decode_access_token(ctx.tokens, tokens.access_token, now=now)
    if claims is None:  # pragma: no cover - issued just above
        raise SignInRequired(ended=False)
    return _cookie(ctx, claims.user_id, claims.sign_in_id, claims.role, now)


def complete_mfa(
    db: Session, ctx: AppContext, attempt: login.Attempt, *, mfa_token: str, code: str
) -> str:
    """The second step, as POST /v1/auth/mfa does it; the cookie of the new sign-in."""
    staff_member(db, mfa.decode_mfa_token(ctx.tokens, mfa_token, now=attempt.now))
    tokens = accounts_use.complete_mfa(db, ctx, attempt, mfa_token=mfa_token, code=code)
    return cookie_of(ctx, tokens, attempt.now)


def enrol(
    db: Session, ctx: AppContext, attempt: login.Attempt, *, mfa_token: str, code: str
) -> tuple[str, list[str]]:
    """Confirm a new TOTP secret, as POST /v1/me/mfa/totp/confirm does; cookie and codes."""
    now = attempt.now
    user = staff_member(db, mfa.decode_mfa_token(ctx.tokens, mfa_token, now=now))
    ctx.throttle.take("mfa", f"enrol:{user.id}")
    codes = mfa.confirm_enrolment(db, ctx.keyring, user=user, code=code, now=now)
    agent = attempt.user_agent
    tokens = login.open_session(db, ctx, user=user, now=now, user_agent=agent, amr="pwd otp")
    return cookie_of(ctx, tokens, now), codes


def device_token_of(db: Session, ctx: AppContext, cookie: str, now: datetime) -> str | None:
    """A device token for the staff member the new clinic cookie signs in."""
    claims = decode_access_token(cookie_tokens(ctx), cookie, now=now)
    user = db.get(User, claims.user_id) if claims is not None else None
    if user is None:  # pragma: no cover - signed in just before
        return None
    account = auth_service.normalize_email(user.email)
    return known_devices.issue(ctx.settings, account=account, now=now)


def _cookie(ctx: AppContext, user_id: uuid.UUID, sid: uuid.UUID, role: str, now: datetime) -> str:
    return issue_access_token(
        cookie_tokens(ctx), user_id=user_id, sign_in_id=sid, role=role, now=now
    )


def clinic_user(request: Request, db: DbDep, ctx: Ctx, now: Now) -> ClinicUser:
    """The signed-in staff member, or SignInRequired; renews the idle timeout."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        raise SignInRequired(ended=False)
    claims = decode_access_token(cookie_tokens(ctx), raw, now=now)
    if claims is None or claims.role not in {r.value for r in STAFF}:
        raise SignInRequired(ended=True)
    row = db.exec(
        select(User, SignIn)
        .join(SignIn, col(SignIn.user_id) == User.id)
        .where(SignIn.id == claims.sign_in_id, User.id == claims.user_id)
    ).first()
    lifetime = timedelta(hours=ctx.settings.clinic_absolute_hours)
    if (
        row is None
        or row[1].revoked_at is not None
        or not row[0].is_active
        or row[0].role != claims.role
        or now >= row[1].created_at + lifetime
        or (
            ctx.settings.staff_mfa_required
            and not (mfa.is_enrolled(row[0]) and mfa.has_second_factor(row[1].amr))
        )
    ):
        raise SignInRequired(ended=True)
    user = row[0]
    choose(user.locale)  # the account's language, if it has one, for the rest of the request
    request.state.user_id = user.id
    request.state.clinic_csrf = csrf_for_sign_in(ctx, claims.sign_in_id)
    caller = Caller(id=user.id, role=Role(user.role), sign_in_id=claims.sign_in_id)
    return ClinicUser(
        caller=caller,
        display_name=user.display_name,
        timezone=user.timezone,
        csrf=request.state.clinic_csrf,
        cookie=_cookie(ctx, user.id, claims.sign_in_id, user.role, now),
    )


def end(db: Session, user: ClinicUser, now: datetime) -> None:
    auth_service.revoke_sign_in(db, user.caller.sign_in_id, now=now, reason="logout")


async def submitted_csrf(request: Request) -> str:
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.method == "POST":
        form = await request.form()
        value = form.get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    return token or ""


def require_role(*roles: Role) -> object:
    async def dependency(user: Annotated[ClinicUser, Depends(clinic_user)]) -> ClinicUser:
        if user.caller.role not in roles:
            raise ClinicPageNotFound()
        return user

    return Depends(dependency)


async def check_csrf(request: Request, ctx: Ctx, now: Now) -> None:
    """Every state-changing request carries the sign-in's token: form field or header."""
    if request.method in ("GET", "HEAD"):
        return
    raw = request.cookies.get(COOKIE, "")
    claims = decode_access_token(cookie_tokens(ctx), raw, now=now)
    sent = await submitted_csrf(request)
    if claims is None:
        # The session itself is checked next; here only a token for some sign-in matters.
        if not sent:
            raise CsrfRejected()
        return
    if not same(sent, csrf_for_sign_in(ctx, claims.sign_in_id)):
        raise CsrfRejected()


ClinicUserDep = Annotated[ClinicUser, Depends(clinic_user)]
TherapistUser = Annotated[ClinicUser, require_role(Role.therapist)]
AdminUser = Annotated[ClinicUser, require_role(Role.admin)]
