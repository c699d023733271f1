"""Accounts, their settings and care teams."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts import names
from app.accounts.auth_service import normalize_email, revoke_user_sign_ins
from app.accounts.errors import DisplayNameReserved, DisplayNameTaken, EmailTaken, UserNotFound
from app.accounts.models import CareTeamMember, DisplayNameReservation, Role, User
from app.core.pagination import cut_page, keyset
from app.core.security import hash_password


def create_user(
    db: Session,
    *,
    email: str,
    password: str | None,
    role: Role,
    display_name: str,
    timezone: str,
    now: datetime,
    locale: str | None = None,
) -> User:
    """A new account; without a password it can only sign in through an invitation."""
    email = normalize_email(email)
    if db.exec(select(User.id).where(User.email == email)).first() is not None:
        raise EmailTaken()
    if role != Role.patient:
        _check_staff_name(db, display_name, user_id=None, now=now)
    user = User(
        email=email,
        display_name=display_name,
        role=role,
        timezone=timezone,
        locale=locale,
        password_hash=hash_password(password) if password is not None else "",
        created_at=now,
        updated_at=now,
    )
    db.add(user)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:  # a concurrent create won the race
        raise EmailTaken() from exc
    return user


def list_users(
    db: Session, *, role: Role | None, limit: int, cursor: str | None
) -> tuple[list[User], str | None]:
    stmt = select(User)
    if role is not None:
        stmt = stmt.where(User.role == role)
    stmt = keyset(stmt, col(User.created_at), col(User.id), cursor, descending=False)
    rows = list(db.exec(stmt.limit(limit + 1)).all())
    return cut_page(rows, limit, lambda u: (u.created_at, u.id))


def get_user(db: Session, user_id: uuid.UUID) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise UserNotFound()
    return user


class Unset(Enum):
    """A field the request did not name (unlike null, which clears it)."""

    token = 0


UNSET = Unset.token


@dataclass(frozen=True)
class AccountChanges:
    """What an account update names; None leaves a field as it is, except the locale and
    the check-in time, which null clears and UNSET leaves."""

    display_name: str | None = None
    timezone: str | None = None
    is_active: bool | None = None
    # None: the app's Accept-Language decides again.
    locale: str | Unset | None = UNSET
    # "HH:MM" local; None: the clinic's default time.
    check_in_time: str | Unset | None = UNSET


def update_user(db: Session, *, user_id: uuid.UUID, changes: AccountChanges, now: datetime) -> User:
    user = get_user(db, user_id)
    display_name, timezone, is_active = changes.display_name, changes.timezone, changes.is_active
    if display_name is not None and display_name != user.display_name:
        if user.role != Role.patient:
            _check_staff_name(db, display_name, user_id=user.id, now=now)
            if user.is_active:
                for held in names.skeletons(user.display_name):
                    db.add(DisplayNameReservation(skeleton=held, user_id=user.id, released_at=now))
        user.display_name = display_name
    if timezone is not None:
        user.timezone = timezone
    if is_active is not None:
        if user.is_active and not is_active:
            revoke_user_sign_ins(db, user.id, now=now, reason="deactivated")
        user.is_active = is_active
    if not isinstance(changes.locale, Unset):
        user.locale = changes.locale
    if not isinstance(changes.check_in_time, Unset):
        user.check_in_time = changes.check_in_time
    user.updated_at = now
    db.add(user)
    db.flush()
    return user


NAME_RESERVED_FOR = timedelta(days=90)


def _check_staff_name(db: Session, name: str, *, user_id: uuid.UUID | None, now: datetime) -> None:
    """Staff names are unique in the clinic by their confusable skeleton, so a patient's
    access log can't be made to show a look-alike of their real therapist; a name an
    account gave up is held for it 90 days."""
    names.check_staff_name(name)
    wanted = names.skeletons(name)
    staff = db.exec(select(User.id, User.display_name).where(col(User.role) != Role.patient)).all()
    if any(uid != user_id and names.skeletons(n) & wanted for uid, n in staff):
        raise DisplayNameTaken()
    held = db.exec(
        select(DisplayNameReservation.id).where(
            col(DisplayNameReservation.skeleton).in_(wanted),
            DisplayNameReservation.user_id != user_id,
            col(DisplayNameReservation.released_at) > now - NAME_RESERVED_FOR,
        )
    ).first()
    if held is not None:
        raise DisplayNameReserved()


def _user_with_role(db: Session, user_id: uuid.UUID, role: Role) -> User:
    user = db.get(User, user_id)
    if user is None or user.role != role:
        raise UserNotFound(f"No {role.value} with this id.")
    return user


def add_to_care_team(
    db: Session, *, patient_id: uuid.UUID, therapist_id: uuid.UUID, now: datetime
) -> bool:
    """Whether the therapist was newly added."""
    _user_with_role(db, patient_id, Role.patient)
    _user_with_role(db, therapist_id, Role.therapist)
    if db.get(CareTeamMember, (patient_id, therapist_id)) is None:
        db.add(CareTeamMember(patient_id=patient_id, therapist_id=therapist_id, created_at=now))
        db.flush()
        return True
    return False


def remove_from_care_team(db: Session, *, patient_id: uuid.UUID, therapist_id: uuid.UUID) -> bool:
    """Whether the therapist was on the team (and is no longer)."""
    _user_with_role(db, patient_id, Role.patient)
    _user_with_role(db, therapist_id, Role.therapist)
    result = db.execute(
        delete(CareTeamMember).where(
            col(CareTeamMember.patient_id) == patient_id,
            col(CareTeamMember.therapist_id) == therapist_id,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def is_on_care_team(db: Session, *, therapist_id: uuid.UUID, patient_id: uuid.UUID) -> bool:
    return db.get(CareTeamMember, (patient_id, therapist_id)) is not None


def care_team_of(db: Session, patient_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        db.exec(
            select(CareTeamMember.therapist_id).where(CareTeamMember.patient_id == patient_id)
        ).all()
    )


def care_team_members(db: Session, patient_id: uuid.UUID) -> list[tuple[User, datetime]]:
    """Each member of the patient's care team with when they joined, earliest first."""
    rows = db.exec(
        select(User, CareTeamMember.created_at)
        .join(CareTeamMember, col(CareTeamMember.therapist_id) == User.id)
        .where(CareTeamMember.patient_id == patient_id)
        .order_by(col(CareTeamMember.created_at), col(User.id))
    ).all()
    return [(user, joined) for user, joined in rows]


def membership(
    db: Session, *, patient_id: uuid.UUID, therapist_id: uuid.UUID
) -> CareTeamMember | None:
    return db.get(CareTeamMember, (patient_id, therapist_id))


def email_domain(email: str) -> str:
    """Shown to patients beside a staff name: where the account's email lives."""
    return email.rpartition("@")[2].lower()


def patients_of(db: Session, therapist_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        db.exec(
            select(CareTeamMember.patient_id).where(CareTeamMember.therapist_id == therapist_id)
        ).all()
    )
