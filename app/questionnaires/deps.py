"""The clinic's measurement settings, as one dependency."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends

from app.core.config import Settings
from app.core.context import Ctx
from app.questionnaires.instruments import default_schedules
from app.sessions.deps import rules_from
from app.sessions.window import WindowRules


@dataclass(frozen=True)
class MeasureRules:
    defaults: dict[str, dict[str, Any]]
    open_for: timedelta
    window: WindowRules


def measure_rules_from(settings: Settings) -> MeasureRules:
    return MeasureRules(
        defaults=(
            default_schedules()
            if settings.questionnaire_schedule is None
            else dict(settings.questionnaire_schedule)
        ),
        open_for=timedelta(hours=settings.questionnaire_open_hours),
        window=rules_from(settings),
    )


async def get_measure_rules(ctx: Ctx) -> MeasureRules:
    return measure_rules_from(ctx.settings)


Measure = Annotated[MeasureRules, Depends(get_measure_rules)]
