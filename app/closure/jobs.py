"""The worker erases closed accounts and purges records past retention, never on hold."""

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.closure import service
from app.core.config import Settings
from app.core.jobs import Condition, Job
from app.retention.service import years_before


def erase_closed(db: Session, _settings: Settings, now: datetime) -> int:
    due = service.due_erasures(db)
    for closure in due:
        service.erase(db, closure, now=now)
    return len(due)


def purge_closed(db: Session, settings: Settings, now: datetime) -> int:
    due = service.due_purges(db, before=years_before(now, settings.retention_years))
    for closure in due:
        service.purge(db, closure, now=now)
    return len(due)


def _erase(engine: Engine, settings: Settings, now: datetime) -> int:
    with Session(engine) as db, db.begin():
        return erase_closed(db, settings, now)


def _purge(engine: Engine, settings: Settings, now: datetime) -> int:
    with Session(engine) as db, db.begin():
        return purge_closed(db, settings, now)


CONDITIONS: dict[str, Condition] = {}
JOBS = [
    Job("closure.erase_closed_accounts", _erase),
    Job("closure.purge_closed_accounts", _purge),
]
