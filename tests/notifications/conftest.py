"""Reuse the care-team fixture."""

from tests.entries.conftest import team

__all__ = ["team"]
