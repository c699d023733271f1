"""Signing in and out of the clinic."""

import base64
import secrets
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from starlette.responses import Response

from app.accounts import mfa
from app.accounts.errors import InvalidMfaCode
from app.accounts.models import Role
from app.accounts.signins import coarse_user_agent
from app.clinic import auth
from app.clinic.errors import CsrfRejected
from app.clinic.i18n import N_, _
from app.clinic.web import PREFIX, redirect, render, safe_next, set_cookie
from app.core.clock import Now
from app.core.context import Ctx, client_address
from app.core.db import DbDep
from app.core.errors import InvalidCredentials, InvalidToken, TooManyRequests
from app.core.routing import api_router
from app.core.security import decode_access_token

router = api_router()

WRONG = N_("Email or password is wrong, or this account cannot use the clinic.")
WRONG_CODE = N_("The code is wrong, expired or already used. Enter the code your app shows now.")
TOO_SLOW = N_("Signing in took too long. Sign in again.")


def _login_page(
    request: Request,
    ctx: Ctx,
    *,
    message: str = "",
    status: int = 200,
    email: str = "",
    template: str = "login.html",
) -> Response:
    nonce = request.cookies.get(auth.LOGIN_COOKIE) or secrets.token_urlsafe(24)
    context = {
        "login_csrf": auth.csrf_for_login(ctx, nonce),
        "message": _(message),
        "email": email,
        "ended": request.query_params.get("ended") == "1",
    }
    response = render(request, template, context, user=None, status=status)
    response.set_cookie(
        auth.LOGIN_COOKIE,
        nonce,
        max_age=3600,
        path=PREFIX,
        httponly=True,
        samesite="strict",
        secure=ctx.settings.env == "production",
    )
    return response


def _check_login_csrf(request: Request, ctx: Ctx, token: str) -> None:
    nonce = request.cookies.get(auth.LOGIN_COOKIE, "")
    if not nonce or not auth.same(token, auth.csrf_for_login(ctx, nonce)):
        raise CsrfRejected()


def _home(role: Role) -> str:
    return f"{PREFIX}/admin/users" if role == Role.admin else f"{PREFIX}/"


@router.get("/login")
async def read_login(request: Request, ctx: Ctx) -> Response:
    """The sign-in page."""
    return _login_page(request, ctx)


def _refused(request: Request, ctx: Ctx, exc: Exception, email: str = "") -> Response:
    """A failed step: the sign-in page again, with one message for every wrong answer."""
    if isinstance(exc, TooManyRequests):
        response = _login_page(request, ctx, message=exc.detail, status=429, email=email)
        response.headers.update(exc.headers)
        return response
    if isinstance(exc, InvalidToken):
        return _login_page(request, ctx, message=TOO_SLOW, status=401, email=email)
    return _login_page(request, ctx, message=WRONG, status=401, email=email)


def _code_page(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200
) -> Response:
    return render(request, template, context, user=None, status=status)


@router.post("/login")
def create_login(
    request: Request,
    db: DbDep,
    ctx: Ctx,
    now: Now,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next_url: Annotated[str, Form(alias="next", max_length=500)] = "",
) -> Response:
    """Sign in with email and password; staff only."""
    _check_login_csrf(request, ctx, csrf_token)
    try:
        step = auth.sign_in(
            db,
            ctx,
            email=email,
            password=password,
            address=client_address(request),
            user_agent=_agent(request),
            now=now,
            device_token=request.cookies.get(auth.DEVICE_COOKIE),
        )
    except (InvalidCredentials, TooManyRequests, InvalidToken) as exc:
        return _refused(request, ctx, exc, email)
    if step.enrol:
        return _enrol_page(request, db, ctx, step.mfa_token or "", csrf_token, now)
    if step.mfa_token is not None:
        context = {"mfa_token": step.mfa_token, "login_csrf": csrf_token}
        return _code_page(request, "mfa.html", context)
    return _signed_in(request, db, ctx, step.cookie or "", now, next_url=next_url)


def _agent(request: Request) -> str | None:
    return coarse_user_agent(request.headers.get("user-agent"))


def _signed_in(
    request: Request,
    db: DbDep,
    ctx: Ctx,
    cookie: str,
    now: datetime,
    response: Response | None = None,
    next_url: str = "",
) -> Response:
    claims = decode_access_token(auth.cookie_tokens(ctx), cookie, now=now)
    role = Role(claims.role) if claims is not None else Role.therapist
    response = response or redirect(request, safe_next(next_url) or _home(role))
    set_cookie(response, ctx, cookie)
    response.delete_cookie(auth.LOGIN_COOKIE, path=PREFIX)
    device = auth.device_token_of(db, ctx, cookie, now)
    if device is not None:
        response.set_cookie(
            auth.DEVICE_COOKIE,
            device,
            max_age=ctx.settings.device_token_days * 86400,
            path=f"{PREFIX}/login",
            httponly=True,
            samesite="strict",
            secure=ctx.settings.env == "production",
        )
    return response


@router.post("/login/verify")
def create_login_verification(
    request: Request,
    db: DbDep,
    ctx: Ctx,
    now: Now,
    mfa_token: Annotated[str, Form(max_length=2000)] = "",
    code: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The second step of signing in, for accounts with a second factor."""
    _check_login_csrf(request, ctx, csrf_token)
    try:
        cookie = auth.complete_mfa(
            db,
            ctx,
            mfa_token=mfa_token,
            code=code,
            address=client_address(request),
            user_agent=_agent(request),
            now=now,
        )
    except InvalidMfaCode:
        context = {"mfa_token": mfa_token, "login_csrf": csrf_token, "message": _(WRONG_CODE)}
        return _code_page(request, "mfa.html", context, status=401)
    except (InvalidCredentials, TooManyRequests, InvalidToken) as exc:
        return _refused(request, ctx, exc)
    return _signed_in(request, db, ctx, cookie, now)


def _enrol_page(
    request: Request, db: DbDep, ctx: Ctx, token: str, csrf: str, now: datetime
) -> Response:
    """KAPJ_REQUIRE_STAFF_MFA and no second factor yet: enrol an authenticator app first."""
    user = auth.staff_member(db, mfa.decode_mfa_token(ctx.tokens, token, now=now))
    enrolment = mfa.start_enrolment(db, ctx.keyring, user=user, now=now)
    qr = "data:image/svg+xml;base64," + base64.b64encode(enrolment.qr_svg.encode()).decode()
    context = {"mfa_token": token, "login_csrf": csrf, "secret": enrolment.secret, "qr": qr}
    return _code_page(request, "mfa_enrol.html", context)


@router.post("/login/enrol")
def create_mfa_enrolment(
    request: Request,
    db: DbDep,
    ctx: Ctx,
    now: Now,
    mfa_token: Annotated[str, Form(max_length=2000)] = "",
    code: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Confirm the new authenticator app with a code; signed in, recovery codes shown once."""
    _check_login_csrf(request, ctx, csrf_token)
    try:
        cookie, codes = auth.enrol(
            db, ctx, mfa_token=mfa_token, code=code, user_agent=_agent(request), now=now
        )
    except InvalidMfaCode:
        context = {"mfa_token": mfa_token, "login_csrf": csrf_token, "message": _(WRONG_CODE)}
        return _code_page(request, "mfa_enrol.html", context, status=401)
    except (InvalidCredentials, TooManyRequests, InvalidToken) as exc:
        return _refused(request, ctx, exc)
    page = render(request, "mfa_codes.html", {"codes": codes}, user=None)
    return _signed_in(request, db, ctx, cookie, now, page)


@router.post("/logout", dependencies=[Depends(auth.check_csrf)])
def create_logout(request: Request, user: auth.ClinicUserDep, db: DbDep, now: Now) -> Response:
    """Sign out: this sign-in ends at once."""
    auth.end(db, user, now)
    response = redirect(request, f"{PREFIX}/login")
    response.delete_cookie(auth.COOKIE, path=PREFIX)
    return response
