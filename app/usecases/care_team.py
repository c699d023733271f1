"""Care teams and accounts, changed by an admin from any door (the API, the clinic,
the command line): one function per change, which stores it, audits it and tells
the patient in their feed (and by push where they have a phone)."""

import uuid
from datetime import datetime

from app.accounts import service as accounts
from app.accounts.models import Role, User
from app.accounts.service import AccountChanges, Unset
from app.notifications.outbox import Notice
from app.notifications.reminders import reschedule_patient
from app.questionnaires.reminders import plan_reminders
from app.usecases.act import Act


def _changed(body: str) -> Notice:
    return Notice("care_team_changed", "Your care team changed", body[:500])


def _change_key(patient_id: uuid.UUID, therapist_id: uuid.UUID, change: str) -> str:
    # Unique per change (even two in one clock tick): each is a new item.
    return f"care_team:{patient_id}:{therapist_id}:{change}:{uuid.uuid4().hex}"


def _tell_patient(
    act: Act,
    *,
    patient_id: uuid.UUID,
    therapist_id: uuid.UUID,
    joined_at: datetime | None,
    joined: bool,
) -> None:
    """One feed item (and push) per change: who, their role, where their email lives and
    since when, so a patient can tell a real colleague from an account made to read."""
    therapist = act.db.get(User, therapist_id)
    name = therapist.display_name if therapist is not None else "A therapist"
    role = str(therapist.role) if therapist is not None else "therapist"
    domain = accounts.email_domain(therapist.email) if therapist is not None else ""
    since = joined_at.date().isoformat() if joined_at is not None else ""
    change = "joined" if joined else "left"
    body = (
        f"{name} ({role}, {domain}) joined your care team on {since}."
        if joined
        else f"{name} ({role}, {domain}), on your care team since {since}, left it."
    )
    data = {
        "therapist_id": str(therapist_id),
        "change": change,
        "role": role,
        "display_name": name,
        "email_domain": domain,
        "joined_at": joined_at.isoformat() if joined_at is not None else None,
    }
    act.notify(patient_id, _change_key(patient_id, therapist_id, change), _changed(body), data)


def add_care_team_member(act: Act, *, patient_id: uuid.UUID, therapist_id: uuid.UUID) -> bool:
    """The one way onto a care team (API, clinic, command line): audited, in the patient's
    access log, and told to the patient in their feed and by push."""
    added = accounts.add_to_care_team(
        act.db, patient_id=patient_id, therapist_id=therapist_id, now=act.now
    )
    act.audit.record("care_team.add", patient_id, "care_team", therapist_id)
    if added:
        _tell_patient(
            act, patient_id=patient_id, therapist_id=therapist_id, joined_at=act.now, joined=True
        )
    return added


def remove_care_team_member(act: Act, *, patient_id: uuid.UUID, therapist_id: uuid.UUID) -> bool:
    member = accounts.membership(act.db, patient_id=patient_id, therapist_id=therapist_id)
    joined_at = member.created_at if member is not None else None
    removed = accounts.remove_from_care_team(
        act.db, patient_id=patient_id, therapist_id=therapist_id
    )
    if removed:
        _tell_patient(
            act, patient_id=patient_id, therapist_id=therapist_id, joined_at=joined_at, joined=False
        )
    act.audit.record("care_team.remove", patient_id, "care_team", therapist_id)
    return removed


def _tell_rename(act: Act, *, user: User, before: str) -> None:
    for patient_id in accounts.patients_of(act.db, user.id):
        act.audit.record("account.rename", patient_id, "account", user.id)
        data = {
            "therapist_id": str(user.id),
            "change": "renamed",
            "role": str(user.role),
            "display_name": user.display_name,
            "previous_name": before,
            "email_domain": accounts.email_domain(user.email),
        }
        body = f"{before} on your care team is now called {user.display_name}."
        act.notify(patient_id, _change_key(patient_id, user.id, "renamed"), _changed(body), data)


def update_account(act: Act, *, user_id: uuid.UUID, changes: AccountChanges) -> User:
    """Rename, change the time zone, language or activity of an account. A staff rename
    is audited in, and told to, each of that therapist's patients."""
    before = accounts.get_user(act.db, user_id).display_name
    user = accounts.update_user(act.db, user_id=user_id, changes=changes, now=act.now)
    timezone, is_active = changes.timezone, changes.is_active
    locale, check_in_time = changes.locale, changes.check_in_time
    if user.role != Role.patient and user.display_name != before:
        _tell_rename(act, user=user, before=before)
    if user.role == Role.patient:
        act.audit.record("account.update", user.id, "account")
        if timezone is not None or is_active is not None or not isinstance(locale, Unset):
            # Quiet hours follow the new zone; a deactivated account gets no reminders;
            # pending reminders take the new language.
            reschedule_patient(act.db, patient_id=user.id, rules=act.rules, now=act.now)
        if timezone is not None or not isinstance(check_in_time, Unset):
            # The daily check-in moves with the chosen time and the zone.
            plan_reminders(act.db, patient_id=user.id, rules=act.measure_rules, now=act.now)
    return user
