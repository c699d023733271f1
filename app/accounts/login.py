"""Signing in, as the API and the web clinic both do it (no HTTP in here).

- sign_in(): the password check -> a token pair, or an MFA token when the account
  has a second factor;
- complete_mfa(): the MFA token and a TOTP or recovery code -> a token pair;
- accept_invitation(): an invitation token and a new password -> a token pair.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlmodel import Session

from app.accounts import invitations, known_devices, mfa
from app.accounts.auth_service import IssuedTokens, authenticate, normalize_email, start_session
from app.accounts.errors import InvalidMfaCode, MfaRecoveryRequired
from app.accounts.models import Role, User
from app.accounts.schemas import InvitationAccept
from app.accounts.security_log import security_event
from app.core.config import Settings
from app.core.context import AppContext
from app.core.errors import InvalidCredentials, InvalidToken, TooManyRequests
from app.core.security import hash_token


@dataclass(frozen=True)
class Attempt:
    """One step of signing in as a door saw it: the client's address and coarse user
    agent, and when. The throttles and the security log key on these."""

    address: str
    user_agent: str | None
    now: datetime


@dataclass(frozen=True)
class Credentials:
    """What a person gives to sign in: email, password, and the device token of an
    earlier sign-in on this device, if any (app/accounts/known_devices.py)."""

    email: str
    password: str
    device_token: str | None = None


@dataclass(frozen=True)
class SignInResult:
    """Either `tokens`, or `mfa_token` when a second factor must follow."""

    tokens: IssuedTokens | None = None
    mfa_token: str | None = None


def max_age(settings: Settings, role: Role) -> timedelta:
    """A sign-in's absolute lifetime: short for staff, longer for patients' phones."""
    days = (
        settings.sign_in_max_days_patient
        if role == Role.patient
        else settings.sign_in_max_days_staff
    )
    return timedelta(days=days)


def open_session(
    db: Session,
    ctx: AppContext,
    *,
    user: User,
    now: datetime,
    user_agent: str | None,
    amr: str = "pwd",
) -> IssuedTokens:
    tokens = start_session(
        db,
        ctx.tokens,
        amr=amr,
        user=user,
        now=now,
        refresh_ttl=timedelta(days=ctx.settings.refresh_token_days),
        max_age=max_age(ctx.settings, user.role),
        user_agent=user_agent,
    )
    # Every completed sign-in makes its device a known one for this account.
    device = known_devices.issue(ctx.settings, account=normalize_email(user.email), now=now)
    return replace(tokens, device_token=device)


def sign_in(db: Session, ctx: AppContext, attempt: Attempt, given: Credentials) -> SignInResult:
    """Check the password under the throttles; a pair, or an MFA token to continue with.

    Failures are counted per (account, address) pair, atomically before the
    check, so concurrent guesses cannot pass the limit and a stranger's guesses
    from elsewhere never lock the real person out. Past the per-account limit,
    the account is slowed to one attempt per few seconds instead of locked.

    A known device (a live device token of this account) has its own budget
    instead, and neither the address's nor the account's counts apply to it, nor
    do its failures add to them.
    """
    throttle, address, now = ctx.throttle, attempt.address, attempt.now
    email, password, device_token = given.email, given.password, given.device_token
    account = normalize_email(email)[:320]
    pair = f"{account}|{address}"
    device = (
        known_devices.recognise(ctx.settings, device_token, account=account, now=now)
        if device_token
        else None
    )

    def refused(event: str) -> None:
        known = "known" if device else None
        security_event(event, user_id=None, address=address, account=account, device=known)

    try:
        if device is not None:
            throttle.take("signin_device", device)
        else:
            throttle.check("signin_address", address)
            throttle.take("signin_pair", pair)
            if throttle.exhausted("signin_account", account):
                throttle.take("signin_slow", account)
    except TooManyRequests:
        refused("signin_throttled")
        raise
    try:
        user = authenticate(db, email=email, password=password)
    except InvalidCredentials:
        if device is None:
            throttle.hit("signin_account", account)
            throttle.hit("signin_address", address)
        refused("signin_failed")
        raise
    # The right password: this pair's (or device's) earlier failures no longer count.
    if device is not None:
        throttle.clear("signin_device", device)
    else:
        throttle.clear("signin_pair", pair)
    if mfa.is_enrolled(user):
        return SignInResult(mfa_token=mfa.issue_mfa_token(ctx.tokens, user_id=user.id, now=now))
    return SignInResult(tokens=_open(db, ctx, user, attempt))


def _open(
    db: Session, ctx: AppContext, user: User, attempt: Attempt, amr: str = "pwd"
) -> IssuedTokens:
    return open_session(db, ctx, user=user, now=attempt.now, user_agent=attempt.user_agent, amr=amr)


def complete_mfa(
    db: Session, ctx: AppContext, attempt: Attempt, *, mfa_token: str, code: str
) -> IssuedTokens:
    """The second step of a sign-in: a TOTP code or a recovery code; throttled per account."""
    address, now = attempt.address, attempt.now
    ticket = mfa.open_mfa_token(db, ctx.tokens, mfa_token, now=now)
    user = db.get(User, ticket.user_id)
    if user is None or not user.is_active:
        raise InvalidToken()
    try:
        ctx.throttle.take("mfa", str(user.id))
    except TooManyRequests:
        security_event("mfa_throttled", user_id=user.id, address=address)
        raise
    # Past the day's ceiling of wrong TOTP codes, only a recovery code will do.
    totp_closed = ctx.throttle.exhausted("mfa_daily", str(user.id))
    try:
        factor = mfa.verify_code(
            db, ctx.keyring, user=user, code=code, now=now, totp_allowed=not totp_closed
        )
    except InvalidMfaCode as exc:
        security_event("mfa_failed", user_id=user.id, address=address)
        if not totp_closed and mfa.looks_like_totp(code):
            ctx.throttle.hit("mfa_daily", str(user.id))
            if ctx.throttle.exhausted("mfa_daily", str(user.id)):
                security_event("mfa_daily_ceiling", user_id=user.id, address=address)
                # The caller tells the admins (usecases.accounts.complete_mfa).
                exc.ceiling_reached_by = user.id
        if totp_closed:
            raise MfaRecoveryRequired() from None
        raise
    mfa.spend_mfa_token(db, ticket, now=now)
    return _open(db, ctx, user, attempt, amr=f"pwd {factor}")


def accept_invitation(
    db: Session, ctx: AppContext, attempt: Attempt, body: InvitationAccept
) -> IssuedTokens:
    """Set one's own password with an invitation, and sign in.

    Every attempt counts, before anything else, against the client's address and
    against the token (`KAPJ_INVITATION_ATTEMPTS` each), so an anonymous caller can
    neither make the server hash passwords at will nor retry one token endlessly.
    """
    try:
        ctx.throttle.take("invitation_address", attempt.address)
        ctx.throttle.take("invitation_token", hash_token(body.token[:300]))
    except TooManyRequests:
        security_event("invitation_throttled", user_id=None, address=attempt.address)
        raise
    user = invitations.accept(
        db, ctx.keyring, token=body.token, password=body.password, now=attempt.now
    )
    return _open(db, ctx, user, attempt)


def create_invitation(
    db: Session, ctx: AppContext, *, user: User, now: datetime, sent_to: str | None = None
) -> invitations.IssuedInvitation:
    """A new invitation for `user`, voiding the previous one."""
    valid_for = timedelta(hours=ctx.settings.invitation_hours)
    return invitations.invite(
        db, ctx.keyring, user=user, now=now, valid_for=valid_for, sent_to=sent_to
    )
