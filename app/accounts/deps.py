"""Who is calling: bearer-token authentication and role checks."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection, Table, bindparam, select
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.accounts import mfa
from app.accounts.errors import MfaEnrolmentRequired, MfaSignInRequired
from app.accounts.login import Attempt
from app.accounts.models import Role, SignIn, User
from app.accounts.signins import coarse_user_agent
from app.core.clock import Now
from app.core.context import AppContext, Ctx, client_address
from app.core.db import DbDep, check_on_begin
from app.core.errors import Forbidden, InvalidToken, Unauthorized
from app.core.security import AccessClaims, decode_access_token


def attempt_of(request: Request, now: datetime) -> Attempt:
    """A sign-in step from this request, as both doors hand it to app.accounts.login."""
    agent = coarse_user_agent(request.headers.get("user-agent"))
    return Attempt(client_address(request), agent, now)


_bearer = HTTPBearer(auto_error=False, description="Access token from POST /v1/auth/token")


@dataclass(frozen=True)
class Caller:
    id: uuid.UUID
    role: Role
    sign_in_id: uuid.UUID

    def user(self, db: Session) -> User:
        """The whole account, for the few routes that show or change it."""
        user = db.get(User, self.id)
        if user is None:  # deleted since this request's check: as if signed out
            raise InvalidToken()
        return user


_users = cast(Table, User.__table__)  # type: ignore[attr-defined]
_sign_ins = cast(Table, SignIn.__table__)  # type: ignore[attr-defined]
_ROLES = {r.value for r in Role}
# Built once: a Core statement skips ORM loading of two objects on every request.
_CALLER = (
    select(
        _users.c.id,
        _users.c.role,
        _users.c.is_active,
        _users.c.totp_confirmed_at,
        _sign_ins.c.revoked_at,
        _users.c.locale,
        _sign_ins.c.amr,
    )
    .join(_sign_ins, _sign_ins.c.user_id == _users.c.id)
    .where(_sign_ins.c.id == bindparam("sid"), _users.c.id == bindparam("uid"))
)


# Where the sign-in check leaves the account's locale for app.accounts.locale.
CALLER_LOCALE = "kapj_caller_locale"


def _still_signed_in(
    claims: AccessClaims, info: dict[str, object], *, need_mfa: bool = False
) -> Callable[[Connection], None]:
    def check(connection: Connection) -> None:
        row = connection.execute(_CALLER, {"sid": claims.sign_in_id, "uid": claims.user_id}).first()
        # A revoked sign-in, a deactivated account or a changed role stops the token at once.
        if (
            row is None
            or row.revoked_at is not None
            or not row.is_active
            or row.role != claims.role
        ):
            raise InvalidToken()
        if need_mfa and row.role != Role.patient.value:
            if row.totp_confirmed_at is None:
                raise MfaEnrolmentRequired(MfaEnrolmentRequired.detail_text)
            if not mfa.has_second_factor(row.amr):
                # Signed in with the password alone (before enrolling): sign in again.
                raise MfaSignInRequired()
        info[CALLER_LOCALE] = row.locale

    return check


async def _count_request(request: Request, ctx: AppContext, user_id: uuid.UUID) -> None:
    """Each signed-in request counts once against the caller's `api` quota (429 past
    it), whatever it answers; the quota goes out as RateLimit/RateLimit-Policy
    (core.middleware). A shared store (Redis, the database) is called from a thread."""
    if getattr(request.state, "ratelimit_counted", False):
        return
    request.state.ratelimit_counted = True
    if ctx.throttle.shared:
        quota = await run_in_threadpool(ctx.throttle.take_quota, "api", str(user_id))
    else:
        quota = ctx.throttle.take_quota("api", str(user_id))
    if quota is not None:
        request.state.ratelimit = quota
        if not quota.allowed:
            raise quota.refusal()


def _authenticate(
    request: Request,
    db: Session,
    ctx: AppContext,
    now: datetime,
    creds: HTTPAuthorizationCredentials | None,
    *,
    mfa_exempt: bool = False,
) -> Caller:
    """The signed-in user; tokens are read from the Authorization header only.

    The token is verified here; that its sign-in is still live is checked by
    the request's first statement, in the route's own thread (check_on_begin).
    Done once per request: a role check and an access helper on the same route
    share the first one's result instead of checking the sign-in again.
    """
    known: Caller | None = getattr(request.state, "caller", None)
    if known is not None:
        return known
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthorized()
    claims = decode_access_token(ctx.tokens, creds.credentials, now=now)
    if claims is None or claims.role not in _ROLES:
        raise InvalidToken()
    need_mfa = not mfa_exempt and ctx.settings.staff_mfa_required
    check_on_begin(db, _still_signed_in(claims, db.info, need_mfa=need_mfa))
    request.state.user_id = claims.user_id
    caller = Caller(id=claims.user_id, role=Role(claims.role), sign_in_id=claims.sign_in_id)
    request.state.caller = caller
    return caller


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _require(*roles: Role, mfa_exempt: bool = False) -> object:
    # One dependency per request, token and role together: each level of
    # dependencies costs a resolution on every request.
    async def dependency(request: Request, db: DbDep, ctx: Ctx, now: Now, creds: Bearer) -> Caller:
        caller = _authenticate(request, db, ctx, now, creds, mfa_exempt=mfa_exempt)
        await _count_request(request, ctx, caller.id)
        if caller.role not in roles:
            raise Forbidden(f"This needs the {' or '.join(r.value for r in roles)} role.")
        return caller

    return Depends(dependency)


CurrentCaller = Annotated[Caller, _require(*Role)]
AdminCaller = Annotated[Caller, _require(Role.admin)]
TherapistCaller = Annotated[Caller, _require(Role.therapist)]
PatientCaller = Annotated[Caller, _require(Role.patient)]
# Routes a staff member without a second factor may still use where one is required.
EnrollingCaller = Annotated[Caller, _require(*Role, mfa_exempt=True)]
StaffMfaCaller = Annotated[Caller, _require(Role.therapist, Role.admin, mfa_exempt=True)]
TherapistOrAdminCaller = Annotated[Caller, _require(Role.therapist, Role.admin)]
