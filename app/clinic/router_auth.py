"""Signing in and out of the clinic."""

import secrets
from typing import Annotated

from fastapi import Depends, Form, Request
from starlette.responses import Response

from app.accounts.models import Role
from app.clinic import auth
from app.clinic.web import PREFIX, redirect, render, set_cookie
from app.core.clock import Now
from app.core.context import Ctx, client_address
from app.core.db import SessionDep
from app.core.errors import InvalidCredentials, TooManyRequests
from app.core.routing import api_router

router = api_router()

WRONG = "Email or password is wrong, or this account cannot use the clinic."


def _login_page(
    request: Request, ctx: Ctx, *, message: str = "", status: int = 200, email: str = ""
) -> Response:
    nonce = request.cookies.get(auth.LOGIN_COOKIE) or secrets.token_urlsafe(24)
    context = {
        "login_csrf": auth.csrf_for_login(ctx, nonce),
        "message": message,
        "email": email,
        "ended": request.query_params.get("ended") == "1",
    }
    response = render(request, "login.html", context, user=None, status=status)
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
        raise auth.CsrfRejected()


def _home(role: Role) -> str:
    return f"{PREFIX}/admin/users" if role == Role.admin else f"{PREFIX}/"


@router.get("/login")
async def read_login(request: Request, ctx: Ctx) -> Response:
    """The sign-in page."""
    return _login_page(request, ctx)


@router.post("/login")
def create_login(
    request: Request,
    db: SessionDep,
    ctx: Ctx,
    now: Now,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Sign in with email and password; staff only."""
    _check_login_csrf(request, ctx, csrf_token)
    try:
        outcome = auth.sign_in(
            db, ctx, email=email, password=password, address=client_address(request), now=now
        )
    except InvalidCredentials:
        return _login_page(request, ctx, message=WRONG, status=401, email=email)
    except TooManyRequests as exc:
        response = _login_page(request, ctx, message=exc.detail, status=429, email=email)
        response.headers.update(exc.headers)
        return response
    if outcome.needs_second_factor:
        pending = auth.pending_second_factor(ctx, outcome.user.id, now)
        return render(
            request, "mfa.html", {"pending": pending, "login_csrf": csrf_token}, user=None
        )
    return _signed_in(request, ctx, outcome.user.role, outcome.cookie or "")


def _signed_in(request: Request, ctx: Ctx, role: Role, cookie: str) -> Response:
    response = redirect(request, _home(role))
    set_cookie(response, ctx, cookie)
    response.delete_cookie(auth.LOGIN_COOKIE, path=PREFIX)
    return response


@router.post("/login/verify")
def create_login_verification(
    request: Request,
    db: SessionDep,
    ctx: Ctx,
    now: Now,
    pending: Annotated[str, Form(max_length=400)] = "",
    code: Annotated[str, Form(max_length=32)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The second step of signing in, for accounts with a second factor."""
    _check_login_csrf(request, ctx, csrf_token)
    try:
        user = auth.complete_second_factor(
            db, ctx, pending=pending, code=code, address=client_address(request), now=now
        )
    except InvalidCredentials:
        return _login_page(request, ctx, message=WRONG, status=401)
    except TooManyRequests as exc:
        response = _login_page(request, ctx, message=exc.detail, status=429)
        response.headers.update(exc.headers)
        return response
    return _signed_in(request, ctx, user.role, auth.start(db, ctx, user, now))


@router.post("/logout", dependencies=[Depends(auth.check_csrf)])
def create_logout(request: Request, user: auth.ClinicUserDep, db: SessionDep, now: Now) -> Response:
    """Sign out: this sign-in ends at once."""
    auth.end(db, user, now)
    response = redirect(request, f"{PREFIX}/login")
    response.delete_cookie(auth.COOKIE, path=PREFIX)
    return response
