"""Care teams and accounts, changed by an admin from any door (the API, the clinic,
the command line): one function per change, which stores it, audits it and tells
the patient in their feed (and by push where they have a phone)."""

import uuid
from enum import Enum

from app.accounts import service as accounts
from app.accounts.models import Role, User
from app.notifications.outbox import enqueue
from app.notifications.reminders import reschedule_patient
from app.questionnaires.reminders import plan_reminders
from app.usecases.act import Act


class Unset(Enum):
    """A field the request did not name (unlike null, which clears it)."""

    token = 0


UNSET = Unset.token


def _tell_patient(
    act: Act, *, patient_id: uuid.UUID, therapist_id: uuid.UUID, joined: bool
) -> None:
    """One feed item per change; the name is the therapist's unique display name."""
    therapist = act.db.get(User, therapist_id)
    name = therapist.display_name if therapist is not None else "A therapist"
    change = "joined" if joined else "left"
    enqueue(
        act.db,
        user_id=patient_id,
        kind="care_team_changed",
        # Unique per change, so a later change is a new item, not an update of this one.
        dedupe_key=f"care_team:{patient_id}:{therapist_id}:{change}:{act.now.isoformat()}",
        due_at=act.now,
        title="Your care team changed",
        body=f"{name} {change} your care team."[:500],
        data={"therapist_id": str(therapist_id), "change": change},
        now=act.now,
    )


def add_care_team_member(act: Act, *, patient_id: uuid.UUID, therapist_id: uuid.UUID) -> bool:
    added = accounts.add_to_care_team(
        act.db, patient_id=patient_id, therapist_id=therapist_id, now=act.now
    )
    act.audit.record("care_team.add", patient_id, "care_team", therapist_id)
    if added:
        _tell_patient(act, patient_id=patient_id, therapist_id=therapist_id, joined=True)
    return added


def remove_care_team_member(act: Act, *, patient_id: uuid.UUID, therapist_id: uuid.UUID) -> bool:
    removed = accounts.remove_from_care_team(
        act.db, patient_id=patient_id, therapist_id=therapist_id
    )
    if removed:
        _tell_patient(act, patient_id=patient_id, therapist_id=therapist_id, joined=False)
    act.audit.record("care_team.remove", patient_id, "care_team", therapist_id)
    return removed


def update_account(
    act: Act,
    *,
    user_id: uuid.UUID,
    display_name: str | None = None,
    timezone: str | None = None,
    is_active: bool | None = None,
    locale: str | Unset | None = UNSET,
    check_in_time: str | Unset | None = UNSET,
) -> User:
    """Rename, change the time zone, language or activity of an account."""
    user = accounts.update_user(
        act.db,
        user_id=user_id,
        display_name=display_name,
        timezone=timezone,
        is_active=is_active,
        now=act.now,
    )
    if not isinstance(locale, Unset):
        accounts.set_locale(act.db, user=user, locale=locale, now=act.now)
    if not isinstance(check_in_time, Unset):
        accounts.set_check_in_time(act.db, user=user, at=check_in_time, now=act.now)
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
