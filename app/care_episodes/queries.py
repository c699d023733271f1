"""Reads of episodes for other domains: when each patient was out of treatment."""

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from app.care_episodes.models import CareEpisode

# [from, until) with until None while the patient is still discharged.
Gap = tuple[datetime, datetime | None]
# An episode's (started_at, ended_at, id).
Span = tuple[datetime, datetime | None, uuid.UUID]


def spans_of(db: Session, patient_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Span]]:
    """Each patient's episodes, oldest first, in one statement; no row means in treatment."""
    ids = list(patient_ids)
    out: dict[uuid.UUID, list[Span]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = db.exec(
        select(CareEpisode.patient_id, CareEpisode.started_at, CareEpisode.ended_at, CareEpisode.id)
        .where(col(CareEpisode.patient_id).in_(ids))
        .order_by(col(CareEpisode.started_at), col(CareEpisode.ended_at).is_(None))
    ).all()
    for pid, start, end, eid in rows:
        out[pid].append((start, end, eid))
    return out


def gaps_in(spans: list[Span]) -> list[Gap]:
    """The times out of treatment: from each discharge to the next admission."""
    return [
        (end, spans[i + 1][0] if i + 1 < len(spans) else None)
        for i, (_, end, _) in enumerate(spans)
        if end is not None
    ]


def out_of_care(db: Session, patient_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Gap]]:
    """Per patient, the times out of treatment (empty for one in treatment throughout)."""
    return {pid: gaps_in(spans) for pid, spans in spans_of(db, patient_ids).items()}


def within(gaps: list[Gap], at: datetime) -> bool:
    return any(lo <= at and (hi is None or at < hi) for lo, hi in gaps)
