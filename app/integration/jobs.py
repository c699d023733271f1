"""The prep reminder's condition: sent only while the window has unreviewed entries."""

import uuid

from sqlmodel import Session, col, select

from app.core.jobs import Condition, Job
from app.counts.service import is_unreviewed
from app.entries.models import JournalEntry
from app.notifications.models import Notification


def _still_unreviewed(db: Session, n: Notification) -> bool:
    session_id = uuid.UUID(str(n.data["session_id"]))
    found = db.exec(
        select(JournalEntry.id).where(col(JournalEntry.session_id) == session_id, is_unreviewed())
    ).first()
    return found is not None


CONDITIONS: dict[str, Condition] = {"unreviewed_entries": _still_unreviewed}
JOBS: list[Job] = []
