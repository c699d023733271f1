"""Reuse the care-team fixture."""

from tests.entries.conftest import team  # noqa: F401
