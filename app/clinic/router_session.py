"""Keeping a clinic session alive on purpose: the "Stay signed in" button."""

from fastapi import Request
from starlette.responses import Response

from app.clinic.auth import ClinicUserDep
from app.clinic.web import set_cookie
from app.core.routing import api_router

router = api_router()


@router.get("/session/renew")
def read_session_renewal(request: Request, user: ClinicUserDep) -> Response:
    """A signed-in staff member asks for more time: the idle timeout starts again."""
    response = Response(status_code=204)
    set_cookie(response, request.app.state.ctx, user.cookie)
    return response
