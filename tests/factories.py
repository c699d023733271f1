"""Builders: plain functions that add, flush and return."""

import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from sqlmodel import Session

from app.accounts.auth_service import start_session
from app.accounts.models import CareTeamMember, Role, User
from app.core.security import TokenConfig, hash_password

PASSWORD = "correct-horse-battery"
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def make_user(
    db: Session,
    *,
    role: Role = Role.patient,
    email: str | None = None,
    timezone: str = "UTC",
    is_active: bool = True,
    now: datetime = NOW,
    display_name: str | None = None,
) -> User:
    user = User(
        email=email or f"{role.value}-{uuid.uuid4().hex[:10]}@clinic.example.org",
        display_name=display_name or f"Test {role.value}",
        role=role,
        timezone=timezone,
        password_hash=_password_hash(),
        is_active=is_active,
        created_at=now,
        updated_at=now,
    )
    db.add(user)
    db.flush()
    return user


def make_patient(db: Session, **kw: object) -> User:
    return make_user(db, role=Role.patient, **kw)  # type: ignore[arg-type]


def make_therapist(db: Session, *, patients: tuple[User, ...] = (), **kw: object) -> User:
    therapist = make_user(db, role=Role.therapist, **kw)  # type: ignore[arg-type]
    for patient in patients:
        db.add(CareTeamMember(patient_id=patient.id, therapist_id=therapist.id, created_at=NOW))
    db.flush()
    return therapist


def make_admin(db: Session, **kw: object) -> User:
    return make_user(db, role=Role.admin, **kw)  # type: ignore[arg-type]


def auth_headers(
    db: Session, tokens: TokenConfig, user: User, *, now: datetime = NOW
) -> dict[str, str]:
    """Sign the user in without the (slow) password check."""
    issued = start_session(db, tokens, user=user, now=now, refresh_ttl=timedelta(days=30))
    return {"Authorization": f"Bearer {issued.access_token}"}


def make_session(
    db: Session,
    *,
    patient: User,
    administered_at: datetime,
    recorded_by: User | None = None,
    route: str = "im",
) -> "KetamineSession":
    """A session row; entries are not re-attached (use the API for that)."""
    from app.sessions.models import KetamineSession, Route

    session = KetamineSession(
        patient_id=patient.id,
        administered_at=administered_at,
        route=Route(route),
        recorded_by=(recorded_by or patient).id,
        created_at=administered_at,
        updated_at=administered_at,
    )
    db.add(session)
    db.flush()
    return session


if TYPE_CHECKING:
    from app.sessions.models import KetamineSession
