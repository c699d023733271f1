"""The therapist's queue: who needs attention before their integration session."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, func, select

from app.accounts.models import User
from app.accounts.service import patients_of
from app.counts.service import kept_counts
from app.integration.models import IntegrationSession
from app.safety.schemas import OpenFlag
from app.safety.service import open_flags_of
from app.sessions.models import KetamineSession
from app.sessions.window import WindowRules, window_for

RECENTLY_CLOSED = timedelta(hours=72)


@dataclass(frozen=True)
class QueueItem:
    patient: User
    latest: KetamineSession | None
    unreviewed: int
    open_flags: list[OpenFlag]
    next_integration: IntegrationSession | None


def _latest_sessions(
    db: Session, patient_ids: list[uuid.UUID], now: datetime
) -> dict[uuid.UUID, KetamineSession]:
    latest = (
        select(KetamineSession.patient_id, func.max(KetamineSession.administered_at).label("at"))
        .where(
            col(KetamineSession.patient_id).in_(patient_ids),
            col(KetamineSession.administered_at) <= now,
        )
        .group_by(col(KetamineSession.patient_id))
        .subquery()
    )
    rows = db.exec(
        select(KetamineSession).join(
            latest,
            (col(KetamineSession.patient_id) == latest.c.patient_id)
            & (col(KetamineSession.administered_at) == latest.c.at),
        )
    ).all()
    return {s.patient_id: s for s in rows}


def _next_integration(
    db: Session, patient_ids: list[uuid.UUID], now: datetime
) -> dict[uuid.UUID, IntegrationSession]:
    rows = db.exec(
        select(IntegrationSession)
        .where(
            col(IntegrationSession.patient_id).in_(patient_ids),
            col(IntegrationSession.scheduled_at) >= now,
        )
        .order_by(col(IntegrationSession.scheduled_at))
    ).all()
    out: dict[uuid.UUID, IntegrationSession] = {}
    for item in rows:
        out.setdefault(item.patient_id, item)
    return out


def build_queue(
    db: Session, *, therapist_id: uuid.UUID, rules: WindowRules, now: datetime
) -> list[QueueItem]:
    """Patients with an open or recently closed window, unreviewed entries or open flags.

    Unacknowledged safety flags first, then the nearest integration session, then
    the most unreviewed entries.
    """
    ids = patients_of(db, therapist_id)
    if not ids:
        return []
    users = {u.id: u for u in db.exec(select(User).where(col(User.id).in_(ids))).all()}
    latest = _latest_sessions(db, ids, now)
    # Kept counts: one row per patient, whatever the length of their history.
    counts = kept_counts(db, ids)
    unreviewed = {pid: c.unreviewed for pid, c in counts.items()}
    flags = open_flags_of(db, [pid for pid, c in counts.items() if c.open_flags > 0])
    upcoming = _next_integration(db, ids, now)
    items = []
    for pid in ids:
        session = latest.get(pid)
        recent = (
            session is not None and now < session.administered_at + rules.length + RECENTLY_CLOSED
        )
        if not (recent or unreviewed.get(pid) or flags.get(pid)):
            continue
        items.append(
            QueueItem(
                users[pid], session, unreviewed.get(pid, 0), flags.get(pid, []), upcoming.get(pid)
            )
        )
    far = datetime.max.replace(tzinfo=now.tzinfo)
    items.sort(
        key=lambda i: (
            not i.open_flags,
            i.next_integration.scheduled_at if i.next_integration else far,
            -i.unreviewed,
            i.patient.display_name,
        )
    )
    return items


def queue_view(item: QueueItem, rules: WindowRules, now: datetime) -> dict[str, Any]:
    window = None
    if item.latest is not None:
        w = window_for(item.latest.id, item.latest.administered_at, None, rules)
        window = {
            "session_id": w.session_id,
            "opens_at": w.opens_at,
            "closes_at": w.closes_at,
            "integration_starts_at": w.integration_starts_at,
            "integration_ends_at": w.integration_ends_at,
            "open": w.contains(now),
        }
    nxt = None
    if item.next_integration is not None:
        nxt = {
            "id": item.next_integration.id,
            "session_id": item.next_integration.session_id,
            "scheduled_at": item.next_integration.scheduled_at,
        }
    return {
        "patient": {"id": item.patient.id, "display_name": item.patient.display_name},
        "window": window,
        "unreviewed": item.unreviewed,
        "open_flags": len(item.open_flags),
        "safety_flags": [f.model_dump() for f in item.open_flags],
        "next_integration_session": nxt,
    }
