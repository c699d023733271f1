"""Invitations, the second factor, and the caller's sign-ins."""

import uuid
from dataclasses import asdict

from fastapi import Request, Response, status

from app.accounts import login, mfa, signins
from app.accounts.deps import AdminCaller, EnrollingCaller, StaffMfaCaller, attempt_of
from app.accounts.errors import InvalidMfaCode, MfaNotEnrolled
from app.accounts.schemas import (
    InvitationAccept,
    InvitationPublic,
    MfaCodeIn,
    MfaRemove,
    MfaSignIn,
    RecoveryCodesPublic,
    SignInList,
    SignInPublic,
    TokenPair,
    TotpEnrolmentPublic,
)
from app.accounts.security_log import security_event
from app.api.deps import ActDep
from app.core.clock import Now
from app.core.context import Ctx, client_address
from app.core.db import DbDep, ReadOnly
from app.core.deprecation import DEPRECATED_ON, SUNSET_ON, deprecation_headers
from app.core.errors import InvalidCredentials, problem_responses
from app.core.handlers import error_response
from app.core.openapi import response_headers
from app.core.routing import api_router
from app.core.security import verify_password
from app.usecases import accounts as accounts_use

auth_router = api_router(prefix="/v1/auth", tags=["auth"])
router = api_router(prefix="/v1", tags=["accounts"])


@auth_router.post("/invitation", responses=problem_responses(404, 410, 422, 429))
def accept_invitation(
    request: Request, body: InvitationAccept, db: DbDep, ctx: Ctx, now: Now
) -> TokenPair:
    """Set one's own password with a one-time invitation, and sign in; attempts are
    throttled per client and per token (429 with Retry-After)."""
    return TokenPair.model_validate(
        login.accept_invitation(db, ctx, attempt_of(request, now), body)
    )


@auth_router.post("/mfa", response_model=TokenPair, responses=problem_responses(401, 403, 422, 429))
def complete_mfa(
    request: Request, body: MfaSignIn, db: DbDep, ctx: Ctx, now: Now
) -> TokenPair | Response:
    """Finish a sign-in with a code from the authenticator app or a recovery code; each
    mfa_token buys one sign-in; past the day's wrong codes, 403 mfa_recovery_required."""
    attempt = attempt_of(request, now)
    try:
        tokens = accounts_use.complete_mfa(
            db, ctx, attempt, mfa_token=body.mfa_token, code=body.code
        )
    except InvalidMfaCode as exc:
        if exc.ceiling_reached_by is None:
            raise
        return error_response(request, exc)  # answered, not raised: the admins' notices commit
    return TokenPair.model_validate(tokens)


@router.post(
    "/users/{user_id}/invitation",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def reissue_invitation(user_id: uuid.UUID, _admin: AdminCaller, act: ActDep) -> InvitationPublic:
    """Replace a lost invitation of an account with no password yet (admin)."""
    _user, issued = accounts_use.reissue_invitation(act, user_id=user_id)
    return InvitationPublic.model_validate(asdict(issued))


@router.post(
    "/me/mfa/totp", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409)
)
def start_totp_enrolment(
    caller: StaffMfaCaller, db: DbDep, ctx: Ctx, now: Now
) -> TotpEnrolmentPublic:
    """Start enrolling an authenticator app: its secret, otpauth URI and QR code (staff)."""
    enrolment = mfa.start_enrolment(db, ctx.keyring, user=caller.user(db), now=now)
    return TotpEnrolmentPublic(
        secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri, qr_svg=enrolment.qr_svg
    )


@router.post("/me/mfa/totp/confirm", responses=problem_responses(401, 403, 409, 422, 429))
def confirm_totp_enrolment(
    request: Request, body: MfaCodeIn, caller: StaffMfaCaller, db: DbDep, ctx: Ctx, now: Now
) -> RecoveryCodesPublic:
    """Finish enrolment with a code from the app; answers ten recovery codes, once (staff)."""
    ctx.throttle.take("mfa", f"enrol:{caller.id}")
    try:
        codes = mfa.confirm_enrolment(
            db, ctx.keyring, user=caller.user(db), code=body.code, now=now, keep=caller.sign_in_id
        )
    except InvalidMfaCode:
        security_event("mfa_failed", user_id=caller.id, address=client_address(request))
        raise
    return RecoveryCodesPublic(recovery_codes=codes)


@router.delete(
    "/me/mfa",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403, 409, 422, 429),
)
def remove_mfa(
    request: Request, body: MfaRemove, caller: StaffMfaCaller, db: DbDep, ctx: Ctx, now: Now
) -> None:
    """Remove the second factor; needs the password and a code (staff)."""
    ctx.throttle.take("mfa", str(caller.id))
    user = caller.user(db)
    if not mfa.is_enrolled(user):
        raise MfaNotEnrolled()
    if not verify_password(body.password[:1024], user.password_hash or None):
        security_event(
            "mfa_remove_bad_password", user_id=caller.id, address=client_address(request)
        )
        raise InvalidCredentials("The password is wrong.")
    try:
        mfa.verify_code(db, ctx.keyring, user=user, code=body.code, now=now)
    except InvalidMfaCode:
        security_event("mfa_failed", user_id=caller.id, address=client_address(request))
        raise
    mfa.remove(db, user=user, now=now, keep=caller.sign_in_id)


# /v1/me/sessions is the v1.1 name of /v1/me/sign-ins: served one version longer.
_DEPRECATED = deprecation_headers(DEPRECATED_ON, SUNSET_ON)


@router.get("/me/sign-ins", dependencies=[ReadOnly], responses=problem_responses(401))
def list_my_sign_ins(caller: EnrollingCaller, db: DbDep) -> SignInList:
    """My sign-ins that have not ended, newest first."""
    rows = signins.live_sign_ins(db, user_id=caller.id)
    return SignInList(
        items=[
            SignInPublic(
                id=s.id,
                created_at=s.created_at,
                last_used_at=s.last_used_at,
                user_agent=s.user_agent,
                current=s.id == caller.sign_in_id,
            )
            for s in rows
        ]
    )


@router.delete(
    "/me/sign-ins/{sign_in_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 404),
)
def end_my_sign_in(sign_in_id: uuid.UUID, caller: EnrollingCaller, db: DbDep, now: Now) -> None:
    """End one of my sign-ins; its tokens stop working at once."""
    signins.end_sign_in(db, user_id=caller.id, sign_in_id=sign_in_id, now=now)


@router.get(
    "/me/sessions",
    dependencies=[ReadOnly],
    deprecated=True,
    responses=problem_responses(401) | response_headers(200, "Deprecation", "Sunset"),
)
def list_my_sessions(caller: EnrollingCaller, db: DbDep, response: Response) -> SignInList:
    """Deprecated: GET /v1/me/sign-ins (same answer)."""
    response.headers.update(_DEPRECATED)
    return list_my_sign_ins(caller, db)


@router.delete(
    "/me/sessions/{auth_session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    deprecated=True,
    responses=problem_responses(401, 404) | response_headers(204, "Deprecation", "Sunset"),
)
def end_my_session(
    auth_session_id: uuid.UUID, caller: EnrollingCaller, db: DbDep, now: Now, response: Response
) -> None:
    """Deprecated: DELETE /v1/me/sign-ins/{sign_in_id}."""
    response.headers.update(_DEPRECATED)
    end_my_sign_in(auth_session_id, caller, db, now)
