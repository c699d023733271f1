"""After discharge the patient's reminders stop: checked when each falls due, so one
planned later (a late-recorded session, a flag's screener) is dropped too."""

from typing import Any

from sqlmodel import Session

from app.care_episodes.service import discharged_at
from app.core.jobs import Condition, Job

# Reminders of treatment, addressed to the patient. The safety net is never silenced.
STOPPED_AT_DISCHARGE = ("window_opened", "window_closing", "questionnaire_due")


def silenced(db: Session, n: Any) -> bool:
    return n.kind in STOPPED_AT_DISCHARGE and discharged_at(db, n.user_id) is not None


CONDITIONS: dict[str, Condition] = {}
JOBS: list[Job] = []
