"""Admission and discharge. A patient with no episode row is in treatment: installs
from before episodes existed behave as before."""

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.care_episodes.models import CareEpisode


def episodes(db: Session, patient_id: uuid.UUID) -> list[CareEpisode]:
    return list(
        db.exec(
            select(CareEpisode)
            .where(CareEpisode.patient_id == patient_id)
            .order_by(col(CareEpisode.started_at), col(CareEpisode.ended_at).is_(None))
        ).all()
    )


def current(db: Session, patient_id: uuid.UUID) -> CareEpisode | None:
    found = episodes(db, patient_id)
    return found[-1] if found else None


def discharged_at(db: Session, patient_id: uuid.UUID) -> datetime | None:
    """When treatment ended, or None while the patient is in treatment.

    The end of the episode `current` finds, read alone: every write asks it."""
    return db.exec(_LAST_END, params={"pid": patient_id}).first()


def last_end() -> SelectOfScalar[datetime] | SelectOfScalar[None]:
    """The end of the patient's latest episode, for the patient bound as `pid`."""
    return (
        select(CareEpisode.ended_at)
        .where(col(CareEpisode.patient_id) == bindparam("pid"))
        .order_by(col(CareEpisode.started_at).desc(), col(CareEpisode.ended_at).is_(None).desc())
        .limit(1)
    )


# Built once: building the statement costs more than running it on a small table.
_LAST_END = last_end()


def discharge(
    db: Session,
    *,
    patient_id: uuid.UUID,
    by: uuid.UUID,
    seal: Callable[[uuid.UUID], bytes],
    started_at: datetime,
    now: datetime,
) -> CareEpisode | None:
    """End the current episode (made on the spot for a patient admitted before
    episodes existed); None when treatment has already ended."""
    last = current(db, patient_id)
    if last is not None and last.ended_at is not None:
        return None
    if last is None:
        last = CareEpisode(patient_id=patient_id, started_at=started_at)
    # The reason is sealed to the episode's id (encrypted by the caller's keys).
    last.ended_at, last.ended_by, last.reason_ciphertext = now, by, seal(last.id)
    db.add(last)
    db.flush()
    return last


def readmit(db: Session, *, patient_id: uuid.UUID, now: datetime) -> CareEpisode | None:
    """Open a new episode; None when the patient is already in treatment."""
    if discharged_at(db, patient_id) is None:
        return None
    episode = CareEpisode(patient_id=patient_id, started_at=now)
    db.add(episode)
    db.flush()
    return episode
