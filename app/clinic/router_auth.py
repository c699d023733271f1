"""Signing in and out of the clinic."""

import base64
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from app.accounts import mfa
from app.accounts.deps import attempt_of
from app.accounts.errors import InvalidMfaCode
from app.accounts.login import Credentials
from app.accounts.models import Role
from app.clinic import auth
from app.clinic.errors import CsrfRejected
from app.clinic.i18n import N_, _
from app.clinic.web import PREFIX, redirect, render, safe_next, set_cookie
from app.core.clock import Now
from app.core.context import Ctx
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


class StepForm(BaseModel):
    """Every form before the sign-in cookie carries the login CSRF token."""

    csrf_token: str = Field(default="", max_length=200)


class LoginForm(StepForm):
    email: str = Field(default="", max_length=320)
    password: str = Field(default="", max_length=1024)
    next_url: str = Field(default="", alias="next", max_length=500)


@router.post("/login")
def create_login(
    request: Request, db: DbDep, ctx: Ctx, now: Now, form: Annotated[LoginForm, Form()]
) -> Response:
    """Sign in with email and password; staff only."""
    _check_login_csrf(request, ctx, form.csrf_token)
    given = Credentials(form.email, form.password, request.cookies.get(auth.DEVICE_COOKIE))
    try:
        step = auth.sign_in(db, ctx, attempt_of(request, now), given)
    except (InvalidCredentials, TooManyRequests, InvalidToken) as exc:
        return _refused(request, ctx, exc, form.email)
    if step.enrol:
        return _enrol_page(request, db, ctx, step.mfa_token or "", form.csrf_token, now)
    if step.mfa_token is not None:
        context = {"mfa_token": step.mfa_token, "login_csrf": form.csrf_token}
        return _code_page(request, "mfa.html", context)
    return _signed_in(request, db, ctx, step.cookie or "", now, next_url=form.next_url)


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


class CodeForm(StepForm):
    """The form of a step after the password: its token and a code from the app."""

    mfa_token: str = Field(default="", max_length=2000)
    code: str = Field(default="", max_length=64)


def _code_step(
    request: Request,
    ctx: Ctx,
    form: CodeForm,
    template: str,
    step: Callable[[], Response],
) -> Response:
    """A step that takes a code: a wrong code shows its form again, any other refusal
    the sign-in page."""
    _check_login_csrf(request, ctx, form.csrf_token)
    try:
        return step()
    except InvalidMfaCode:
        context = {"mfa_token": form.mfa_token, "login_csrf": form.csrf_token}
        return _code_page(request, template, context | {"message": _(WRONG_CODE)}, status=401)
    except (InvalidCredentials, TooManyRequests, InvalidToken) as exc:
        return _refused(request, ctx, exc)


@router.post("/login/verify")
def create_login_verification(
    request: Request, db: DbDep, ctx: Ctx, now: Now, form: Annotated[CodeForm, Form()]
) -> Response:
    """The second step of signing in, for accounts with a second factor."""

    def verify() -> Response:
        attempt = attempt_of(request, now)
        cookie = auth.complete_mfa(db, ctx, attempt, mfa_token=form.mfa_token, code=form.code)
        return _signed_in(request, db, ctx, cookie, now)

    return _code_step(request, ctx, form, "mfa.html", verify)


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
    request: Request, db: DbDep, ctx: Ctx, now: Now, form: Annotated[CodeForm, Form()]
) -> Response:
    """Confirm the new authenticator app with a code; signed in, recovery codes shown once."""

    def confirm() -> Response:
        attempt = attempt_of(request, now)
        cookie, codes = auth.enrol(db, ctx, attempt, mfa_token=form.mfa_token, code=form.code)
        page = render(request, "mfa_codes.html", {"codes": codes}, user=None)
        return _signed_in(request, db, ctx, cookie, now, page)

    return _code_step(request, ctx, form, "mfa_enrol.html", confirm)


@router.post("/logout", dependencies=[Depends(auth.check_csrf)])
def create_logout(request: Request, user: auth.ClinicUserDep, db: DbDep, now: Now) -> Response:
    """Sign out: this sign-in ends at once."""
    auth.end(db, user, now)
    response = redirect(request, f"{PREFIX}/login")
    response.delete_cookie(auth.COOKIE, path=PREFIX)
    return response
