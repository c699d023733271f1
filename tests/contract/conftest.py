"""Fixtures shared with the entry tests."""

from tests.entries.conftest import team  # noqa: F401  (a fixture)
