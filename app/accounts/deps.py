"""Who is calling: bearer-token authentication and role checks."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import col, select

from app.accounts.models import AuthSession, Role, User
from app.core.clock import Now
from app.core.context import Ctx
from app.core.db import SessionDep
from app.core.errors import Forbidden, InvalidToken, Unauthorized
from app.core.security import decode_access_token

_bearer = HTTPBearer(auto_error=False, description="Access token from POST /v1/auth/token")


@dataclass(frozen=True)
class Caller:
    user: User
    session_id: uuid.UUID

    @property
    def id(self) -> uuid.UUID:
        return self.user.id

    @property
    def role(self) -> Role:
        return Role(self.user.role)


def get_caller(
    request: Request,
    db: SessionDep,
    ctx: Ctx,
    now: Now,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The signed-in user; tokens are read from the Authorization header only."""
    if creds is None or creds.scheme.lower() != "bearer":
        raise Unauthorized()
    claims = decode_access_token(ctx.tokens, creds.credentials, now=now)
    if claims is None:
        raise InvalidToken()
    row = db.exec(
        select(User, AuthSession)
        .join(AuthSession, col(AuthSession.user_id) == User.id)
        .where(AuthSession.id == claims.session_id, User.id == claims.user_id)
    ).first()
    # A revoked sign-in or a deactivated account stops working on the next request.
    if row is None or row[1].revoked_at is not None or not row[0].is_active:
        raise InvalidToken()
    request.state.user_id = row[0].id
    return Caller(user=row[0], session_id=claims.session_id)


CurrentCaller = Annotated[Caller, Depends(get_caller)]


def _require(*roles: Role) -> object:
    async def dependency(caller: CurrentCaller) -> Caller:
        if caller.role not in roles:
            raise Forbidden(f"This needs the {' or '.join(r.value for r in roles)} role.")
        return caller

    return Depends(dependency)


AdminCaller = Annotated[Caller, _require(Role.admin)]
TherapistCaller = Annotated[Caller, _require(Role.therapist)]
PatientCaller = Annotated[Caller, _require(Role.patient)]
StaffCaller = Annotated[Caller, _require(Role.therapist, Role.patient)]
