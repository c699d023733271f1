"""A questionnaire reminder is sent only while unanswered; expired occurrences are
written down as misses, a batch of patients per worker pass."""

from datetime import datetime

from sqlalchemy.engine import Engine

from app.core.config import Settings
from app.core.jobs import Condition, Job
from app.questionnaires import reminders
from app.questionnaires.deps import measure_rules_from
from app.questionnaires.misses import MissSweep

# This process's place in the round of patients whose missed questionnaires are written.
MISSES = MissSweep()


def sweep_misses(
    engine: Engine, settings: Settings, now: datetime, sweep: MissSweep = MISSES
) -> int:
    return sweep.run(engine, measure_rules_from(settings), now)


CONDITIONS: dict[str, Condition] = {reminders.KIND: reminders.still_wanted}
JOBS = [Job("questionnaire_misses", sweep_misses)]
