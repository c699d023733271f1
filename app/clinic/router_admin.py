"""The admin's pages: accounts, care teams and the audit trail (never journal text)."""

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, Form, Query, Request
from starlette.responses import Response

from app.accounts import service as accounts
from app.accounts.models import Role, User
from app.accounts.schemas import UserCreate
from app.audit.queries import AuditQuery
from app.clinic.auth import AdminUser, ClinicUser, check_csrf
from app.clinic.deps import ClinicAct
from app.clinic.forms import AccountForm, CareTeamForm, checked
from app.clinic.i18n import _
from app.clinic.web import PREFIX, redirect, render
from app.core.db import DbDep
from app.core.pagination import Cursor
from app.core.routing import api_router
from app.usecases import accounts as accounts_use
from app.usecases import care_team
from app.usecases.act import Act
from app.usecases.audit_trail import read_audit_trail

router = api_router(prefix="/admin", dependencies=[Depends(check_csrf)])
PAGE = 200


def _everyone(db: DbDep, role: Role) -> list[Any]:
    users, _cursor = accounts.list_users(db, role=role, limit=PAGE, cursor=None)
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


@dataclass(frozen=True)
class AdminAction:
    """An admin's form, and the answers it gives: an admin page again."""

    request: Request
    user: ClinicUser
    act: Act

    def back(self, page: str) -> Response:
        return redirect(self.request, f"{PREFIX}/admin/{page}", self.user)

    def invited(self, invited: tuple[User, accounts_use.InvitationReceipt]) -> Response:
        """The accounts page, saying where the new invitation went."""
        return _users_page(self.request, self.user, self.act.db, invited=invited, status=201)


def admin_action(request: Request, user: AdminUser, act: ClinicAct) -> AdminAction:
    return AdminAction(request, user, act)


AdminForm = Annotated[AdminAction, Depends(admin_action)]


@router.post("/users")
def create_user_account(on: AdminForm, form: Annotated[AccountForm, Form()]) -> Response:
    """Create an account with a one-time invitation, as POST /v1/users does."""
    body = checked(UserCreate, form.model_dump() | {"timezone": form.timezone or "UTC"})
    return on.invited(accounts_use.create_account(on.act, body))


@router.post("/users/{user_id}/invitation")
def create_user_invitation(user_id: uuid.UUID, on: AdminForm) -> Response:
    """Replace a lost invitation of an account with no password yet (the old one is void)."""
    return on.invited(accounts_use.reissue_invitation(on.act, user_id=user_id))


@router.post("/users/{user_id}/deactivate")
def update_user_deactivate(user_id: uuid.UUID, on: AdminForm) -> Response:
    """Deactivate an account: its sign-ins, API and clinic, end at once."""
    deactivate = accounts.AccountChanges(is_active=False)
    care_team.update_account(on.act, user_id=user_id, changes=deactivate)
    return on.back("users")


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


@router.post("/care-teams")
def create_care_team_member(on: AdminForm, form: Annotated[CareTeamForm, Form()]) -> Response:
    """Put a therapist on a patient's care team; the patient is told, as from the API."""
    care_team.add_care_team_member(on.act, **form.model_dump())
    return on.back("care-teams")


@router.post("/care-teams/remove")
def delete_care_team_member(on: AdminForm, form: Annotated[CareTeamForm, Form()]) -> Response:
    """Take a therapist off a patient's care team; the patient is told, as from the API."""
    care_team.remove_care_team_member(on.act, **form.model_dump())
    return on.back("care-teams")


@dataclass(frozen=True)
class AuditFilter:
    """The audit page's filters, from its query string; a bad date is ignored and said."""

    patient_id: uuid.UUID | None
    actor_id: uuid.UUID | None
    since: date | None
    until: date | None
    problem: str | None

    @classmethod
    def read(
        cls, patient_id: uuid.UUID | None, actor_id: uuid.UUID | None, since: str, until: str
    ) -> "AuditFilter":
        days, problem = [], None
        for value in (since, until):
            try:
                days.append(date.fromisoformat(value) if value else None)
            except ValueError:
                days.append(None)
                problem = _("A date was not understood and is left out: use the date picker.")
        return cls(patient_id, actor_id, days[0], days[1], problem)

    def query_for(self, tz: str) -> AuditQuery:
        """The days as instants in the admin's zone; the last day is included whole."""
        zone = ZoneInfo(tz)
        start = datetime.combine(self.since, time(), zone) if self.since else None
        end = datetime.combine(self.until + timedelta(days=1), time(), zone) if self.until else None
        return AuditQuery(self.patient_id, self.actor_id, start, end)

    def query(self) -> str:
        pairs = {
            "patient_id": self.patient_id or "",
            "actor_id": self.actor_id or "",
            "from": self.since or "",
            "to": self.until or "",
        }
        return urlencode({k: str(v) for k, v in pairs.items() if v})


def _audit_filter(
    patient_id: Annotated[uuid.UUID | None, Query()] = None,
    actor_id: Annotated[uuid.UUID | None, Query()] = None,
    since: Annotated[str, Query(alias="from", max_length=10)] = "",
    until: Annotated[str, Query(alias="to", max_length=10)] = "",
) -> AuditFilter:
    return AuditFilter.read(patient_id, actor_id, since, until)


AuditFilterDep = Annotated[AuditFilter, Depends(_audit_filter)]


def _names(db: DbDep) -> tuple[dict[uuid.UUID, str], list[Any]]:
    patients = _everyone(db, Role.patient)
    staff = _everyone(db, Role.therapist) + _everyone(db, Role.admin)
    return {p.id: p.display_name for p in patients}, staff


@router.get("/audit")
def read_audit_page(
    request: Request,
    user: AdminUser,
    act: ClinicAct,
    narrow: AuditFilterDep,
    cursor: Cursor = None,
) -> Response:
    """Audit metadata, newest first: who, what, which patient (by name), when; never
    text. Narrowed by patient, by who acted and by dates, and exported as CSV."""
    rows, next_cursor = read_audit_trail(
        act, patient_id=None, narrow=narrow.query_for(user.timezone), limit=100, cursor=cursor
    )
    patient_names, staff = _names(act.db)
    context = {
        "rows": rows,
        "next_cursor": next_cursor,
        "f": narrow,
        "query": narrow.query(),
        "patient_names": patient_names,
        "staff": staff,
    }
    return render(request, "admin_audit.html", context, user=user)


# A CSV export holds at most this many events; narrow by date for more.
CSV_ROWS = 10_000
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


@router.get("/audit.csv")
def read_audit_csv(user: AdminUser, act: ClinicAct, narrow: AuditFilterDep) -> Response:
    """The filtered audit trail as CSV, newest first (times in UTC); the export is
    itself audited, as every read of the trail is."""
    query = narrow.query_for(user.timezone)
    patient_names, _staff = _names(act.db)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "occurred_at_utc",
            "actor",
            "actor_handle",
            "actor_role",
            "action",
            "patient",
            "patient_id",
            "resource_type",
            "resource_id",
        ]
    )
    cursor, written = None, 0
    while written < CSV_ROWS:
        rows, cursor = read_audit_trail(
            act, patient_id=None, narrow=query, limit=min(1000, CSV_ROWS - written), cursor=cursor
        )
        for e, name, handle in rows:
            writer.writerow(
                [
                    _cell(x)
                    for x in (
                        e.occurred_at.astimezone(UTC).isoformat(),
                        name,
                        handle,
                        e.actor_role,
                        e.action,
                        patient_names.get(e.patient_id) if e.patient_id else None,
                        e.patient_id,
                        e.resource_type,
                        e.resource_id,
                    )
                ]
            )
        written += len(rows)
        if cursor is None:
            break
    headers = {"Content-Disposition": 'attachment; filename="audit-trail.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
