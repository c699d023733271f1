"""A questionnaire reminder is sent only while unanswered; a flag's C-SSRS reminder is
planned; expired occurrences are written down as misses, a batch of patients per
worker pass."""

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

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


# Flags followed up per transaction: a pass that finds more takes them on the next.
FOLLOWUP_BATCH = 200


def plan_flag_followups(engine: Engine, settings: Settings, now: datetime) -> int:
    with Session(engine) as db, db.begin():
        return reminders.plan_flag_followups(
            db, rules=measure_rules_from(settings), now=now, batch=FOLLOWUP_BATCH
        )


CONDITIONS: dict[str, Condition] = {reminders.KIND: reminders.still_wanted}
JOBS = [
    Job("flag_followups", plan_flag_followups),
    Job("questionnaire_misses", sweep_misses),
]
