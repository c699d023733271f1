"""Staff set their own password with an invitation, then continue as at sign-in."""

from typing import Annotated

from fastapi import Form, Request
from pydantic import Field
from starlette.responses import Response

from app.accounts import login
from app.accounts.deps import attempt_of
from app.accounts.schemas import InvitationAccept
from app.clinic import auth
from app.clinic.forms import checked
from app.clinic.router_auth import (
    StepForm,
    _check_login_csrf,
    _enrol_page,
    _login_page,
    _signed_in,
)
from app.clinic.web import render
from app.core.clock import Now
from app.core.context import Ctx
from app.core.db import DbDep
from app.core.errors import AppError, InvalidCredentials
from app.core.routing import api_router

router = api_router()
PAGE = "invitation.html"


@router.get("/invitation")
async def read_invitation(request: Request, ctx: Ctx) -> Response:
    """The form to set one's password with an invitation token."""
    return _login_page(request, ctx, template=PAGE)


class InvitationForm(StepForm):
    token: str = Field(default="", max_length=300)
    password: str = Field(default="", max_length=1024)


@router.post("/invitation")
def create_invitation_acceptance(
    request: Request, db: DbDep, ctx: Ctx, now: Now, form: Annotated[InvitationForm, Form()]
) -> Response:
    """Set the password, as POST /v1/auth/invitation does; staff are then signed in."""
    _check_login_csrf(request, ctx, form.csrf_token)
    try:
        data = {"token": form.token.strip(), "password": form.password}
        body = checked(InvitationAccept, data)
        tokens = login.accept_invitation(db, ctx, attempt_of(request, now), body)
    except AppError as exc:  # a bad form, a wrong or spent token, a weak password, throttled
        message = exc.detail or exc.title
        page = _login_page(request, ctx, message=message, status=exc.status, template=PAGE)
        page.headers.update(exc.headers)  # Retry-After when throttled
        return page
    try:
        step = auth.after_password(db, ctx, tokens, now)
    except InvalidCredentials:
        # A patient's invitation: the password is set; they sign in with the app.
        return render(request, "invitation_done.html", {}, user=None)
    if step.enrol:
        return _enrol_page(request, db, ctx, step.mfa_token or "", form.csrf_token, now)
    return _signed_in(request, db, ctx, step.cookie or "", now)
