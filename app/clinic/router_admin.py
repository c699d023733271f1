"""The admin's pages: accounts, care teams and the audit trail (never journal text)."""

import uuid
from typing import Annotated, Any

from fastapi import Depends, Form, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from app.accounts import service as accounts
from app.accounts.models import Role, User
from app.accounts.schemas import UserCreate
from app.clinic.auth import AdminUser, check_csrf
from app.clinic.deps import ClinicAct
from app.clinic.forms import checked
from app.clinic.web import PREFIX, redirect, render
from app.core.db import DbDep
from app.core.pagination import Cursor
from app.core.routing import api_router
from app.usecases import accounts as accounts_use
from app.usecases import care_team
from app.usecases.audit_trail import read_audit_trail

router = api_router(prefix="/admin", dependencies=[Depends(check_csrf)])
PAGE = 200


def _everyone(db: DbDep, role: Role) -> list[Any]:
    users, _ = accounts.list_users(db, role=role, limit=PAGE, cursor=None)
    return users


@router.get("/users")
def read_users_page(
    request: Request, user: AdminUser, db: DbDep, cursor: Cursor = None
) -> Response:
    """Accounts, oldest first, and a form to create one."""
    return _users_page(request, user, db, cursor=cursor)


def _users_page(
    request: Request,
    user: AdminUser,
    db: DbDep,
    *,
    cursor: str | None = None,
    invited: tuple[User, accounts_use.InvitationReceipt] | None = None,
    status: int = 200,
) -> Response:
    """The accounts page; says where a new invitation was emailed (in development, its
    token is shown this once instead)."""
    users, next_cursor = accounts.list_users(db, role=None, limit=PAGE, cursor=cursor)
    context = {
        "users": users,
        "next_cursor": next_cursor,
        "roles": [r.value for r in Role],
        "invited": invited,
    }
    return render(request, "admin_users.html", context, user=user, status=status)


@router.post("/users")
def create_user_account(
    request: Request,
    user: AdminUser,
    act: ClinicAct,
    email: Annotated[str, Form(max_length=320)] = "",
    display_name: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
    timezone: Annotated[str, Form(max_length=64)] = "UTC",
) -> Response:
    """Create an account with a one-time invitation, as POST /v1/users does."""
    body = checked(
        UserCreate,
        {"email": email, "display_name": display_name, "role": role, "timezone": timezone or "UTC"},
    )
    account, issued = accounts_use.create_account(act, **body.model_dump())
    return _users_page(request, user, act.db, invited=(account, issued), status=201)


@router.post("/users/{user_id}/invitation")
def create_user_invitation(
    request: Request, user_id: uuid.UUID, user: AdminUser, act: ClinicAct
) -> Response:
    """Replace a lost invitation of an account with no password yet (the old one is void)."""
    account, issued = accounts_use.reissue_invitation(act, user_id=user_id)
    return _users_page(request, user, act.db, invited=(account, issued), status=201)


@router.post("/users/{user_id}/deactivate")
def update_user_deactivate(
    request: Request, user_id: uuid.UUID, user: AdminUser, act: ClinicAct
) -> Response:
    """Deactivate an account: its sign-ins, API and clinic, end at once."""
    care_team.update_account(act, user_id=user_id, is_active=False)
    return redirect(request, f"{PREFIX}/admin/users", user)


@router.get("/care-teams")
def read_care_teams_page(request: Request, user: AdminUser, db: DbDep) -> Response:
    """Each patient's care team, with forms to add and remove therapists."""
    patients = _everyone(db, Role.patient)
    therapists = _everyone(db, Role.therapist)
    names = {t.id: t.display_name for t in therapists}
    teams = [
        (p, [(tid, names.get(tid, str(tid))) for tid in accounts.care_team_of(db, p.id)])
        for p in patients
    ]
    context = {"teams": teams, "patients": patients, "therapists": therapists}
    return render(request, "admin_care_teams.html", context, user=user)


class CareTeamForm(BaseModel):
    patient_id: uuid.UUID
    therapist_id: uuid.UUID


@router.post("/care-teams")
def create_care_team_member(
    request: Request, user: AdminUser, act: ClinicAct, form: Annotated[CareTeamForm, Form()]
) -> Response:
    """Put a therapist on a patient's care team; the patient is told, as from the API."""
    care_team.add_care_team_member(act, **form.model_dump())
    return redirect(request, f"{PREFIX}/admin/care-teams", user)


@router.post("/care-teams/remove")
def delete_care_team_member(
    request: Request, user: AdminUser, act: ClinicAct, form: Annotated[CareTeamForm, Form()]
) -> Response:
    """Take a therapist off a patient's care team; the patient is told, as from the API."""
    care_team.remove_care_team_member(act, **form.model_dump())
    return redirect(request, f"{PREFIX}/admin/care-teams", user)


@router.get("/audit")
def read_audit_page(
    request: Request,
    user: AdminUser,
    act: ClinicAct,
    patient_id: Annotated[uuid.UUID | None, Query()] = None,
    cursor: Cursor = None,
) -> Response:
    """Audit metadata, newest first: who, what, which patient, when; never text."""
    rows, next_cursor = read_audit_trail(act, patient_id=patient_id, limit=100, cursor=cursor)
    context = {"rows": rows, "next_cursor": next_cursor, "patient_id": patient_id}
    return render(request, "admin_audit.html", context, user=user)
