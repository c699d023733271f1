"""Missed questionnaires written down: an occurrence that expires unanswered is a row.

The schedule is derived from the patient's data, so what is due can change when
sessions or plans change; a miss is a fact of the past and must not change with
it. The worker sweeps patients a batch at a time, round and round (`MissSweep`),
and each occurrence it finds expired and unanswered is inserted once.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.accounts.models import Role, User
from app.core.db import per_dialect
from app.questionnaires.deps import MeasureRules
from app.questionnaires.due import tracked_many
from app.questionnaires.models import QuestionnaireMiss

BATCH = 200
# How long the sweep rests after going round every patient.
REST = timedelta(minutes=5)

_misses = cast(Table, QuestionnaireMiss.__table__)  # type: ignore[attr-defined]
_INSERT = per_dialect(
    lambda insert: insert(_misses).on_conflict_do_nothing(
        index_elements=[_misses.c.patient_id, _misses.c.occurrence_key]
    )
)


def record_misses(db: Session, patients: list[User], rules: MeasureRules, now: datetime) -> int:
    """Insert a row for each of these patients' expired, unanswered occurrences."""
    rows: list[dict[str, Any]] = [
        {
            "patient_id": pid,
            "occurrence_key": t.occurrence.key,
            "code": t.occurrence.code,
            "reason": t.occurrence.reason,
            "session_id": t.occurrence.session_id,
            "due_at": t.occurrence.due_at,
            "expires_at": t.occurrence.expires_at,
            "recorded_at": now,
        }
        for pid, statuses in tracked_many(db, patients, rules, now).items()
        for t in statuses
        if t.status == "missed"
    ]
    if rows:
        connection = db.connection()
        connection.execute(_INSERT[connection.dialect.name], rows)
    return len(rows)


def recorded(db: Session, patient_id: uuid.UUID) -> list[QuestionnaireMiss]:
    return list(
        db.exec(
            select(QuestionnaireMiss)
            .where(QuestionnaireMiss.patient_id == patient_id)
            .order_by(col(QuestionnaireMiss.due_at), col(QuestionnaireMiss.occurrence_key))
        ).all()
    )


class MissSweep:
    """Round-robin over active patients, one batch per call (the worker's pass).

    After a whole round it rests: the worker polls every few seconds, and a
    small clinic would otherwise be swept again on every poll for nothing.
    """

    def __init__(self, batch: int = BATCH, rest: timedelta = REST) -> None:
        self.batch, self.rest = batch, rest
        self.after: uuid.UUID | None = None
        self.rest_until: datetime | None = None

    def _patients(self, db: Session, after: uuid.UUID | None, limit: int) -> list[User]:
        query = select(User).where(User.role == Role.patient, col(User.is_active).is_(True))
        if after is not None:
            query = query.where(col(User.id) > after)
        return list(db.exec(query.order_by(col(User.id)).limit(limit)).all())

    def run(self, engine: Engine, rules: MeasureRules, now: datetime) -> int:
        if self.after is None and self.rest_until is not None and now < self.rest_until:
            return 0
        with Session(engine) as db, db.begin():
            patients = self._patients(db, self.after, self.batch)
            if len(patients) < self.batch and self.after is not None:
                seen = {p.id for p in patients}
                more = self._patients(db, None, self.batch - len(patients))
                patients += [p for p in more if p.id not in seen]
            self.after = patients[-1].id if len(patients) == self.batch else None
            if self.after is None:
                self.rest_until = now + self.rest
            return record_misses(db, patients, rules, now)
