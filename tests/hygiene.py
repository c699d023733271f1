"""Every log line the suite produces, as the app would write it, to scan for journal text."""

import logging
from collections.abc import Iterator

import pytest

from app.core.logging import configure_logging

# Written as journal text by tests/test_log_hygiene.py; must never come back out.
CANARY = "canary-7f3a9c: the blue heron spoke my mother's name"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="session")
def session_logs() -> Iterator[Capture]:
    """Logging as `kap-journal serve` configures it, at DEBUG, kept in memory.

    At the end of the session no line may contain the canary, whichever test wrote it.
    """
    configure_logging("DEBUG")
    root = logging.getLogger()
    capture = Capture()
    capture.setFormatter(root.handlers[0].formatter)
    root.handlers[:] = [capture]  # the JSON lines the server would print, kept in memory
    yield capture
    leaked = [line for line in capture.lines if CANARY in line or "blue heron" in line]
    assert leaked == [], "journal text reached the logs"


@pytest.fixture(autouse=True)
def captured_logs(session_logs: Capture) -> Capture:
    """The session's capture, put back first if a test configured logging anew (the CLI)."""
    root = logging.getLogger()
    if root.handlers != [session_logs]:
        root.handlers[:] = [session_logs]
    return session_logs
