"""Signing in to the clinic: cookie sessions held in the API's sign-in table.

The cookie carries an access token of a normal sign-in (`AuthSession`), issued
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

from app.accounts import auth_service
from app.accounts.deps import Caller
from app.accounts.models import AuthSession, Role, User
from app.core.clock import Now
from app.core.context import AppContext, Ctx
from app.core.db import SessionDep
from app.core.errors import AppError, Forbidden, InvalidCredentials
from app.core.security import TokenConfig, decode_access_token, issue_access_token

COOKIE = "kapj_clinic"
LOGIN_COOKIE = "kapj_clinic_login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
STAFF = (Role.therapist, Role.admin)


class SignInRequired(AppError):
    """No live clinic session: the pages answer with the sign-in page."""

    status = 401
    code = "clinic_sign_in_required"
    title = "Sign in to continue"

    def __init__(self, *, ended: bool) -> None:
        super().__init__()
        self.ended = ended


class CsrfRejected(Forbidden):
    code = "csrf_rejected"
    title = "The form expired or did not come from this site; reload the page and try again"


class ClinicPageNotFound(AppError):
    """Any page the caller may not see: the same page as one that does not exist."""

    status = 404
    code = "not_found"
    title = "Not found"


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


def csrf_for_session(ctx: AppContext, session_id: uuid.UUID) -> str:
    """The CSRF token of a sign-in: derived, so nothing more is stored."""
    return _mac(ctx, "clinic-csrf", session_id.bytes)


def csrf_for_login(ctx: AppContext, nonce: str) -> str:
    """Before sign-in the token is bound to a random cookie (double submit)."""
    return _mac(ctx, "clinic-login", nonce.encode())


def cookie_tokens(ctx: AppContext) -> TokenConfig:
    return replace(ctx.tokens, access_ttl=timedelta(minutes=ctx.settings.clinic_idle_minutes))


def mfa_required(db: Session, user: User) -> bool:
    """Hook for the second factor: True when this account must enter a code.

    No account has a second factor yet; the accounts work enrols TOTP and
    answers here, and the sign-in page then asks for the code (mfa.html).
    """
    return False


def verify_second_factor(db: Session, user: User, code: str) -> bool:
    """Hook for the second factor: whether `code` is valid for this account."""
    return False


@dataclass(frozen=True)
class SignInOutcome:
    user: User
    needs_second_factor: bool
    cookie: str | None


def sign_in(
    db: Session, ctx: AppContext, *, email: str, password: str, address: str, now: datetime
) -> SignInOutcome:
    """The one way into the clinic: the API's throttling and credential check, staff only.

    Failures count against the same sign-in limits as POST /v1/auth/token. A
    patient gets the same InvalidCredentials as a wrong password, so the page
    gives no hint about who has an account.
    """
    keys = (auth_service.normalize_email(email), address)
    ctx.throttle.check("signin_account", keys[0])
    ctx.throttle.check("signin_address", keys[1])
    try:
        user = auth_service.authenticate(db, email=email, password=password)
        if user.role not in STAFF:
            raise InvalidCredentials()
    except InvalidCredentials:
        ctx.throttle.hit("signin_account", keys[0])
        ctx.throttle.hit("signin_address", keys[1])
        raise
    if mfa_required(db, user):
        return SignInOutcome(user, needs_second_factor=True, cookie=None)
    return SignInOutcome(user, needs_second_factor=False, cookie=start(db, ctx, user, now))


SECOND_FACTOR_MINUTES = 5


def pending_second_factor(ctx: AppContext, user_id: uuid.UUID, now: datetime) -> str:
    """A short-lived, signed note that the password step passed for this account."""
    until = int((now + timedelta(minutes=SECOND_FACTOR_MINUTES)).timestamp())
    body = f"{user_id}.{until}"
    return f"{body}.{_mac(ctx, 'clinic-mfa', body.encode())}"


def complete_second_factor(
    db: Session, ctx: AppContext, *, pending: str, code: str, address: str, now: datetime
) -> User:
    """The account whose password step passed, if `code` is its valid second factor."""
    user_id, _, rest = pending.partition(".")
    until, _, mac = rest.partition(".")
    body = f"{user_id}.{until}"
    ok = same(mac, _mac(ctx, "clinic-mfa", body.encode("utf-8", "replace")))
    user = None
    if ok and until.isdigit() and int(until) > now.timestamp():
        user = db.get(User, uuid.UUID(user_id))
    ctx.throttle.check("signin_address", address)
    if user is not None:
        ctx.throttle.check("signin_account", user.email)
    if user is None or not user.is_active or not verify_second_factor(db, user, code):
        ctx.throttle.hit("signin_address", address)
        if user is not None:
            ctx.throttle.hit("signin_account", user.email)
        raise InvalidCredentials()
    return user


def start(db: Session, ctx: AppContext, user: User, now: datetime) -> str:
    """A new sign-in row, the same as the API's, and its first cookie value."""
    ttl = timedelta(days=ctx.settings.refresh_token_days)
    # The refresh token is never handed out: the clinic renews through the cookie.
    issued = auth_service.start_session(db, ctx.tokens, user=user, now=now, refresh_ttl=ttl)
    claims = decode_access_token(ctx.tokens, issued.access_token, now=now)
    if claims is None:  # pragma: no cover - issued just above
        raise SignInRequired(ended=False)
    return _cookie(ctx, user.id, claims.session_id, user.role, now)


def _cookie(ctx: AppContext, user_id: uuid.UUID, sid: uuid.UUID, role: str, now: datetime) -> str:
    return issue_access_token(
        cookie_tokens(ctx), user_id=user_id, session_id=sid, role=role, now=now
    )


def clinic_user(request: Request, db: SessionDep, ctx: Ctx, now: Now) -> ClinicUser:
    """The signed-in staff member, or SignInRequired; renews the idle timeout."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        raise SignInRequired(ended=False)
    claims = decode_access_token(cookie_tokens(ctx), raw, now=now)
    if claims is None or claims.role not in {r.value for r in STAFF}:
        raise SignInRequired(ended=True)
    row = db.exec(
        select(User, AuthSession)
        .join(AuthSession, col(AuthSession.user_id) == User.id)
        .where(AuthSession.id == claims.session_id, User.id == claims.user_id)
    ).first()
    lifetime = timedelta(hours=ctx.settings.clinic_absolute_hours)
    if (
        row is None
        or row[1].revoked_at is not None
        or not row[0].is_active
        or row[0].role != claims.role
        or now >= row[1].created_at + lifetime
    ):
        raise SignInRequired(ended=True)
    user = row[0]
    request.state.user_id = user.id
    request.state.clinic_csrf = csrf_for_session(ctx, claims.session_id)
    caller = Caller(id=user.id, role=Role(user.role), session_id=claims.session_id)
    return ClinicUser(
        caller=caller,
        display_name=user.display_name,
        timezone=user.timezone,
        csrf=request.state.clinic_csrf,
        cookie=_cookie(ctx, user.id, claims.session_id, user.role, now),
    )


def end(db: Session, user: ClinicUser, now: datetime) -> None:
    auth_service.revoke_session(db, user.caller.session_id, now=now, reason="logout")


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
    if not same(sent, csrf_for_session(ctx, claims.session_id)):
        raise CsrfRejected()


ClinicUserDep = Annotated[ClinicUser, Depends(clinic_user)]
TherapistUser = Annotated[ClinicUser, require_role(Role.therapist)]
AdminUser = Annotated[ClinicUser, require_role(Role.admin)]
