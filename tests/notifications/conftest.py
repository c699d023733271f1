"""Reuse the care-team fixture; questionnaires stay off the schedule here.

These tests count and inspect the window, integration and safety notifications;
questionnaire reminders (tests/questionnaires) would add rows of their own.
"""

import pytest

from app.core.config import Settings
from tests.entries.conftest import team

__all__ = ["team"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"questionnaire_schedule": {}})
