"""Idempotency keys are kept long enough for any phone's retries, then pruned."""

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.core.jobs import Condition, Job
from app.entries.service import prune_idempotency_keys

IDEMPOTENCY_RETENTION_HOURS = 48


def _prune(engine: Engine, _settings: Settings, now: datetime) -> None:
    with Session(engine) as db, db.begin():
        prune_idempotency_keys(db, older_than=now - timedelta(hours=IDEMPOTENCY_RETENTION_HOURS))


CONDITIONS: dict[str, Condition] = {}
JOBS = [Job("prune_idempotency_keys", _prune)]
