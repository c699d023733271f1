"""Sign-in, the caller's account, user administration and care teams."""

import uuid
from dataclasses import asdict
from datetime import timedelta
from typing import Annotated

from fastapi import Form, Query, Request, Response, status

from app.accounts import auth_service, login, service
from app.accounts.deps import AdminCaller, CurrentCaller, EnrollingCaller, PatientCaller, attempt_of
from app.accounts.errors import MfaRequired
from app.accounts.models import Role
from app.accounts.schemas import (
    CareTeamMemberPublic,
    MePublic,
    MeUpdate,
    MfaRequiredProblem,
    PasswordChange,
    RefreshRequest,
    SignInForm,
    TokenPair,
    UserCreate,
    UserCreatedPublic,
    UserPublic,
    UserUpdate,
)
from app.accounts.security_log import security_event
from app.accounts.service import AccountChanges
from app.api.deps import ActDep
from app.core.clock import Now
from app.core.context import Ctx, client_address
from app.core.db import DbDep, ReadOnly
from app.core.errors import problem_responses
from app.core.handlers import error_response
from app.core.pagination import Cursor, Limit, Page, slice_page
from app.core.routing import api_router
from app.usecases import accounts as accounts_use
from app.usecases import care_team

auth_router = api_router(prefix="/v1/auth", tags=["auth"])
router = api_router(prefix="/v1", tags=["accounts"])

_SIGNED_IN = problem_responses(401)
_ADMIN = problem_responses(401, 403)


@auth_router.post(
    "/token", responses=problem_responses(401, 422, 429, models={401: MfaRequiredProblem})
)
def create_token(
    request: Request,
    form: Annotated[SignInForm, Form()],
    db: DbDep,
    ctx: Ctx,
    now: Now,
) -> TokenPair:
    """Sign in with email and password (OAuth2 password grant); 401 mfa_required asks for a
    code. Send the device_token of an earlier sign-in on this device: failures from
    elsewhere never use up its attempts."""
    given = login.Credentials(form.username, form.password, form.device_token or None)
    result = login.sign_in(db, ctx, attempt_of(request, now), given)
    if result.tokens is None:
        raise MfaRequired(extra={"mfa_token": result.mfa_token})
    return TokenPair.model_validate(result.tokens)


@auth_router.post("/refresh", response_model=TokenPair, responses=problem_responses(401, 422))
def refresh_token(
    request: Request, body: RefreshRequest, db: DbDep, ctx: Ctx, now: Now
) -> TokenPair | Response:
    """Trade a refresh token for a new pair; the old one stops working."""
    ttl = timedelta(days=ctx.settings.refresh_token_days)
    tokens, reused = auth_service.rotate(
        db,
        ctx.tokens,
        refresh_token=body.refresh_token,
        now=now,
        refresh_ttl=ttl,
        max_age=lambda user: login.max_age(ctx.settings, user.role),
    )
    if reused is not None:
        security_event(
            "refresh_token_reused", user_id=reused.user_id, address=client_address(request)
        )
        # Returned, not raised, so the revocation of the whole sign-in commits.
        return error_response(request, reused)
    return TokenPair.model_validate(tokens)


@auth_router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=_SIGNED_IN)
def logout(body: RefreshRequest, caller: EnrollingCaller, db: DbDep, now: Now) -> None:
    """Sign out: the access and refresh tokens of this sign-in stop working."""
    auth_service.logout(
        db,
        user_id=caller.id,
        current_session=caller.sign_in_id,
        refresh_token=body.refresh_token,
        now=now,
    )


@router.get("/me", dependencies=[ReadOnly], responses=_SIGNED_IN)
def read_me(caller: EnrollingCaller, db: DbDep) -> MePublic:
    """The signed-in account."""
    return MePublic.model_validate(caller.user(db))


@router.get("/me/care-team", dependencies=[ReadOnly], responses=problem_responses(401, 403))
def read_my_care_team(
    caller: PatientCaller, db: DbDep, limit: Limit = 50, cursor: Cursor = None
) -> Page[CareTeamMemberPublic]:
    """Who is on my care team: role, display name, email domain and when they joined."""
    items = [
        CareTeamMemberPublic(
            therapist_id=user.id,
            role=user.role,
            display_name=user.display_name,
            email_domain=service.email_domain(user.email),
            joined_at=joined,
        )
        for user, joined in service.care_team_members(db, caller.id)
    ]
    page, nxt = slice_page(items, limit, cursor)
    return Page(items=page, next_cursor=nxt)


@router.patch("/me", responses=problem_responses(401, 422))
def update_me(body: MeUpdate, caller: CurrentCaller, act: ActDep) -> MePublic:
    """Change one's own display name, time zone, language or daily check-in time."""
    changes = AccountChanges(**body.model_dump(exclude_unset=True))
    return MePublic.model_validate(
        care_team.update_account(act, user_id=caller.id, changes=changes)
    )


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 422, 429),
)
def change_password(
    request: Request,
    body: PasswordChange,
    caller: CurrentCaller,
    db: DbDep,
    ctx: Ctx,
    now: Now,
) -> None:
    """Change the password; every other sign-in ends."""
    # Throttled like sign-in: a stolen access token must not become a password oracle.
    ctx.throttle.take("password_change", str(caller.id))
    auth_service.change_password(
        db,
        user=caller.user(db),
        current_session=caller.sign_in_id,
        current_password=body.current_password,
        new_password=body.new_password,
        now=now,
    )


@router.post(
    "/users", status_code=status.HTTP_201_CREATED, responses=problem_responses(401, 403, 409, 422)
)
def create_user(body: UserCreate, _admin: AdminCaller, act: ActDep) -> UserCreatedPublic:
    """Create an account with a one-time invitation to set its password (admin); it is
    emailed to the person, and the answer says so (the token only in development)."""
    user, invitation = accounts_use.create_account(act, body)
    return UserCreatedPublic.model_validate(
        UserPublic.model_validate(user).model_dump() | {"invitation": asdict(invitation)}
    )


@router.get("/users", responses=problem_responses(401, 403, 422))
def list_users(
    _admin: AdminCaller,
    db: DbDep,
    role: Annotated[Role | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[UserPublic]:
    """List accounts, oldest first (admin)."""
    users, next_cursor = service.list_users(db, role=role, limit=limit, cursor=cursor)
    return Page(items=[UserPublic.model_validate(u) for u in users], next_cursor=next_cursor)


@router.patch("/users/{user_id}", responses=problem_responses(401, 403, 404, 422))
def update_user(
    user_id: uuid.UUID, body: UserUpdate, _admin: AdminCaller, act: ActDep
) -> UserPublic:
    """Rename, change the time zone or (de)activate an account (admin)."""
    changes = AccountChanges(**body.model_dump(exclude_unset=True))
    user = care_team.update_account(act, user_id=user_id, changes=changes)
    return UserPublic.model_validate(user)


@router.put(
    "/patients/{patient_id}/therapists/{therapist_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_ADMIN | problem_responses(404),
)
def add_care_team_member(
    patient_id: uuid.UUID, therapist_id: uuid.UUID, _admin: AdminCaller, act: ActDep
) -> None:
    """Put a therapist on a patient's care team (admin)."""
    care_team.add_care_team_member(act, patient_id=patient_id, therapist_id=therapist_id)


@router.delete(
    "/patients/{patient_id}/therapists/{therapist_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_ADMIN | problem_responses(404),
)
def remove_care_team_member(
    patient_id: uuid.UUID, therapist_id: uuid.UUID, _admin: AdminCaller, act: ActDep
) -> None:
    """Take a therapist off a patient's care team (admin)."""
    care_team.remove_care_team_member(act, patient_id=patient_id, therapist_id=therapist_id)
