"""Marking a patient's kept questionnaire status stale when a row it derives from changes.

One listener on every ORM flush, rather than a call in each service that writes a
session, flag, assignment, schedule, episode, answer or profile: a writer added later
cannot forget it. Bulk Core deletes (closure's purge) remove the status row too.

The row is not deleted but expired and its generation moved: a queue read that
derived the status from data older than this write stores its result only if the
generation is still the one it read (app/questionnaires/kept.py), and on PostgreSQL
its upsert waits for this row's lock, so it cannot store a status this write made
stale.
"""

import uuid
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, inspect
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.care_episodes.models import CareEpisode
from app.core.db import per_dialect
from app.questionnaires.models import (
    QuestionnaireAssignment,
    QuestionnaireResponse,
    QuestionnaireSchedule,
    QuestionnaireStatus,
)
from app.safety.models import SafetyFlag
from app.sessions.models import KetamineSession

_status = cast(Table, QuestionnaireStatus.__table__)  # type: ignore[attr-defined]
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _expire(insert: Any) -> Any:
    stmt = insert(_status).values(
        patient_id=bindparam("pid"),
        overdue_codes=[],
        computed_at=_NEVER,
        valid_until=_NEVER,
        rules_key="",
        generation=1,
    )
    return stmt.on_conflict_do_update(
        index_elements=[_status.c.patient_id],
        set_={"valid_until": _NEVER, "generation": _status.c.generation + 1},
    )


_EXPIRE = per_dialect(_expire)
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


def expire(session: Session, patient_ids: set[uuid.UUID]) -> None:
    """Mark these patients' kept status stale, in the caller's transaction (also for
    writers that bypass the ORM)."""
    if patient_ids:
        connection = session.connection()
        connection.execute(
            _EXPIRE[connection.dialect.name], [{"pid": p} for p in sorted(patient_ids)]
        )


@event.listens_for(Session, "after_flush")
def _expire_changed(session: Session, _context: Any) -> None:
    expire(session, _patients(session))
