"""The worker's retention jobs, each pass in its own transaction."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.core.config import Settings
from app.core.jobs import Condition, Job
from app.retention import service


def _in_transaction(work: Callable[[Session, Settings, datetime], int]) -> Callable[..., int]:
    def run(engine: Engine, settings: Settings, now: datetime) -> int:
        with Session(engine) as db, db.begin():
            return work(db, settings, now)

    return run


def _sign_ins(db: Session, settings: Settings, now: datetime) -> int:
    longest = max(settings.sign_in_max_days_patient, settings.sign_in_max_days_staff)
    return service.prune_sign_ins(db, now=now, max_days=longest)


def _invitations(db: Session, _settings: Settings, now: datetime) -> int:
    return service.prune_invitations(db, now=now)


def _leftovers(db: Session, _settings: Settings, now: datetime) -> int:
    return service.prune_account_leftovers(db, now=now)


def _outbox(db: Session, _settings: Settings, now: datetime) -> int:
    return service.prune_outbox(db, now=now)


def _audit(db: Session, settings: Settings, now: datetime) -> int:
    return service.purge_audit(db, now=now, years=settings.audit_retention_years)


CONDITIONS: dict[str, Condition] = {}
JOBS = [
    Job("retention.prune_sign_ins", _in_transaction(_sign_ins)),
    Job("retention.prune_invitations", _in_transaction(_invitations)),
    Job("retention.prune_outbox", _in_transaction(_outbox)),
    Job("retention.prune_account_leftovers", _in_transaction(_leftovers)),
    Job("retention.purge_audit", _in_transaction(_audit)),
]
