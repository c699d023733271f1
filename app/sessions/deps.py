"""The clinic's window rules, from settings."""

from typing import Annotated

from fastapi import Depends

from app.core.config import Settings
from app.core.context import Ctx
from app.sessions.window import WindowRules


def rules_from(settings: Settings) -> WindowRules:
    return WindowRules(
        window_hours=settings.window_hours,
        integration_start_hours=settings.integration_start_hours,
        integration_end_hours=settings.integration_end_hours,
        acute_hours=settings.acute_hours,
        acute_hours_by_route={str(k): v for k, v in settings.acute_hours_by_route.items()},
    )


async def get_rules(ctx: Ctx) -> WindowRules:
    return rules_from(ctx.settings)


Rules = Annotated[WindowRules, Depends(get_rules)]
