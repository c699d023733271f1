"""The therapist's queue: who needs attention before their integration session."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlmodel import Session

from app.accounts.models import CareTeamMember, User
from app.counts.models import PatientCounts
from app.integration.models import IntegrationSession
from app.safety.schemas import OpenFlag
from app.safety.service import open_flags_of
from app.sessions.models import KetamineSession
from app.sessions.window import WindowRules, window_for

RECENTLY_CLOSED = timedelta(hours=72)

_team = cast(Table, CareTeamMember.__table__)  # type: ignore[attr-defined]
_users = cast(Table, User.__table__)  # type: ignore[attr-defined]
_counts = cast(Table, PatientCounts.__table__)  # type: ignore[attr-defined]
_sessions = cast(Table, KetamineSession.__table__)  # type: ignore[attr-defined]
_integration = cast(Table, IntegrationSession.__table__)  # type: ignore[attr-defined]


def _latest_session(column: Any) -> Any:
    return (
        select(column)
        .where(
            _sessions.c.patient_id == _users.c.id,
            _sessions.c.administered_at <= bindparam("now"),
        )
        .order_by(_sessions.c.administered_at.desc())
        .limit(1)
        .scalar_subquery()
    )


def _next_integration(column: Any) -> Any:
    return (
        select(column)
        .where(
            _integration.c.patient_id == _users.c.id,
            _integration.c.scheduled_at >= bindparam("now"),
        )
        .order_by(_integration.c.scheduled_at)
        .limit(1)
        .scalar_subquery()
    )


# One statement, one row per patient on the care team: the kept counts, the latest
# session and the next integration session, each read from an index. Core rows, not
# ORM objects: the queue's cost is its patients, never their history.
_QUEUE = (
    select(
        _users.c.id,
        _users.c.display_name,
        _counts.c.unreviewed,
        _counts.c.open_flags,
        _latest_session(_sessions.c.id).label("session_id"),
        _latest_session(_sessions.c.administered_at).label("administered_at"),
        _next_integration(_integration.c.id).label("integration_id"),
        _next_integration(_integration.c.session_id).label("integration_session_id"),
        _next_integration(_integration.c.scheduled_at).label("scheduled_at"),
    )
    .select_from(_team.join(_users, _users.c.id == _team.c.patient_id))
    .outerjoin(_counts, _counts.c.patient_id == _users.c.id)
    .where(_team.c.therapist_id == bindparam("tid"))
)


@dataclass(frozen=True)
class QueueItem:
    patient_id: uuid.UUID
    display_name: str
    session_id: uuid.UUID | None
    administered_at: datetime | None
    unreviewed: int
    open_flags: list[OpenFlag]
    integration_id: uuid.UUID | None
    integration_session_id: uuid.UUID | None
    scheduled_at: datetime | None


def build_queue(
    db: Session, *, therapist_id: uuid.UUID, rules: WindowRules, now: datetime
) -> list[QueueItem]:
    """Patients with an open or recently closed window, unreviewed entries or open flags.

    Unacknowledged urgent flags first, then other unacknowledged flags, then the
    nearest integration session, then the most unreviewed entries.
    """
    rows = db.connection().execute(_QUEUE, {"tid": therapist_id, "now": now}).all()
    flagged = [r.id for r in rows if r.open_flags]
    flags = open_flags_of(db, flagged, now=now) if flagged else {}
    recent_after = now - rules.length - RECENTLY_CLOSED
    items = []
    for r in rows:
        recent = r.administered_at is not None and r.administered_at > recent_after
        if not (recent or r.unreviewed or flags.get(r.id)):
            continue
        items.append(
            QueueItem(
                r.id,
                r.display_name,
                r.session_id,
                r.administered_at,
                r.unreviewed or 0,
                flags.get(r.id, []),
                r.integration_id,
                r.integration_session_id,
                r.scheduled_at,
            )
        )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    items.sort(
        key=lambda i: (
            not _urgent(i),
            not i.open_flags,
            i.scheduled_at or far,
            -i.unreviewed,
            i.display_name,
        )
    )
    return items


def _urgent(item: QueueItem) -> int:
    return sum(1 for f in item.open_flags if f.level == "urgent")


def queue_view(item: QueueItem, rules: WindowRules, now: datetime) -> dict[str, Any]:
    window = None
    if item.session_id is not None and item.administered_at is not None:
        w = window_for(item.session_id, item.administered_at, None, rules)
        window = {
            "session_id": w.session_id,
            "opens_at": w.opens_at,
            "closes_at": w.closes_at,
            "integration_starts_at": w.integration_starts_at,
            "integration_ends_at": w.integration_ends_at,
            "open": w.contains(now),
        }
    nxt = None
    if item.integration_id is not None:
        nxt = {
            "id": item.integration_id,
            "session_id": item.integration_session_id,
            "scheduled_at": item.scheduled_at,
        }
    return {
        "patient": {"id": item.patient_id, "display_name": item.display_name},
        "window": window,
        "unreviewed": item.unreviewed,
        "open_flags": len(item.open_flags),
        "urgent_flags": _urgent(item),
        "safety_flags": [f.model_dump() for f in item.open_flags],
        "next_integration_session": nxt,
    }
