"""Dropping a patient's kept questionnaire status when a row it derives from changes.

One listener on every ORM flush, rather than a call in each service that writes a
session, flag, assignment, schedule, episode, answer or profile: a writer added later
cannot forget it. Bulk Core deletes (closure's purge) remove the status row too.
"""

import uuid
from typing import Any, cast

from sqlalchemy import Table, delete, event, inspect
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.care_episodes.models import CareEpisode
from app.questionnaires.models import (
    QuestionnaireAssignment,
    QuestionnaireResponse,
    QuestionnaireSchedule,
    QuestionnaireStatus,
)
from app.safety.models import SafetyFlag
from app.sessions.models import KetamineSession

_status = cast(Table, QuestionnaireStatus.__table__)  # type: ignore[attr-defined]
_SOURCES = (
    KetamineSession,
    QuestionnaireAssignment,
    QuestionnaireResponse,
    QuestionnaireSchedule,
    CareEpisode,
)
# The columns of these rows that the schedule reads (an acknowledgement moves nothing).
_USER_FIELDS = ("timezone", "locale", "check_in_time", "created_at")
_FLAG_FIELDS = ("raised_at", "rule", "patient_id")


def _changed(obj: Any, fields: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[f].history.has_changes() for f in fields)


def _patients(session: Session) -> set[uuid.UUID]:
    out: set[uuid.UUID] = set()
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, (*_SOURCES, SafetyFlag)):
            out.add(obj.patient_id)
    for obj in session.dirty:
        if isinstance(obj, _SOURCES) or (
            isinstance(obj, SafetyFlag) and _changed(obj, _FLAG_FIELDS)
        ):
            out.add(obj.patient_id)
        elif isinstance(obj, User) and _changed(obj, _USER_FIELDS):
            out.add(obj.id)
    return out


@event.listens_for(Session, "after_flush")
def _drop_stale(session: Session, _context: Any) -> None:
    patients = _patients(session)
    if patients:
        session.connection().execute(
            delete(_status).where(_status.c.patient_id.in_(sorted(patients)))
        )


def drop(session: Session, patient_id: uuid.UUID) -> None:
    """For writers that bypass the ORM."""
    session.connection().execute(delete(_status).where(_status.c.patient_id == patient_id))
