"""The staff member's own session: "Stay signed in", and the language of the pages."""

from typing import Annotated

from fastapi import Depends, Form, Request
from starlette.responses import Response

from app.accounts.models import Role
from app.accounts.schemas import MeUpdate
from app.accounts.service import AccountChanges
from app.clinic.auth import ClinicUserDep, check_csrf
from app.clinic.deps import ClinicAct
from app.clinic.forms import checked
from app.clinic.web import PREFIX, redirect, safe_next, set_cookie, set_language_cookie
from app.core.routing import api_router
from app.usecases import care_team

router = api_router()


@router.get("/session/renew")
def read_session_renewal(request: Request, user: ClinicUserDep) -> Response:
    """A signed-in staff member asks for more time: the idle timeout starts again."""
    response = Response(status_code=204)
    set_cookie(response, request.app.state.ctx, user.cookie)
    return response


@router.post("/account/language", dependencies=[Depends(check_csrf)])
def update_language(
    request: Request,
    user: ClinicUserDep,
    act: ClinicAct,
    locale: Annotated[str, Form(max_length=8)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The staff member's language, as PATCH /v1/me sets it; back to the page they were on."""
    body = checked(MeUpdate, {"locale": locale})
    care_team.update_account(
        act, user_id=user.caller.id, changes=AccountChanges(locale=body.locale)
    )
    home = f"{PREFIX}/admin/users" if user.caller.role == Role.admin else f"{PREFIX}/"
    response = redirect(request, safe_next(next) or home, user)
    set_language_cookie(response, act.ctx, str(body.locale))
    return response
