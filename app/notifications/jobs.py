"""The window reminders' condition, checked when a reminder falls due (app/worker.py)."""

import uuid

from sqlmodel import Session, col, select

from app.core.jobs import Condition, Job
from app.entries.models import JournalEntry, live
from app.notifications.models import Notification


def _window_still_empty(db: Session, n: Notification) -> bool:
    # "Nothing written yet": whatever was written, moved or deleted since it was
    # scheduled, the answer is the one at sending time.
    session_id = uuid.UUID(str(n.data["session_id"]))
    found = db.exec(
        select(JournalEntry.id).where(col(JournalEntry.session_id) == session_id, live())
    ).first()
    return found is None


CONDITIONS: dict[str, Condition] = {"window_closing": _window_still_empty}
JOBS: list[Job] = []
