"""The worker: delivery, reminders that are checked when due, and each domain's jobs.

`kap-journal worker` runs it as a process; `serve` runs it as a thread in the
embedded mode. It sits above the domains: each one lists its own reminder
conditions and periodic jobs in its `jobs.py`, and this module only gathers them.
"""

import threading

import structlog
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.care_episodes import jobs as care_episode_jobs
from app.closure import jobs as closure_jobs
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.jobs import Condition, Job
from app.core.throttle_store import prune_counters
from app.entries import jobs as entry_jobs
from app.integration import jobs as integration_jobs
from app.notifications import jobs as notification_jobs
from app.notifications.dispatch import dispatch_once
from app.notifications.models import Notification
from app.notifications.sending import Sender, build_sender
from app.questionnaires import jobs as questionnaire_jobs
from app.questionnaires.misses import MissSweep
from app.retention import jobs as retention_jobs
from app.safety import jobs as safety_jobs

log = structlog.get_logger("kap_journal.worker")
_DOMAINS = [
    notification_jobs,
    integration_jobs,
    questionnaire_jobs,
    safety_jobs,
    entry_jobs,
    retention_jobs,
    closure_jobs,
]
CONDITIONS: dict[str, Condition] = {k: v for d in _DOMAINS for k, v in d.CONDITIONS.items()}
JOBS: list[Job] = [job for d in _DOMAINS for job in d.JOBS]


def condition_key(n: Notification) -> str:
    """A reminder names its condition in its data, or is known by its kind."""
    return str(n.data.get("condition") or n.kind)


def still_wanted(db: Session, n: Notification) -> bool:
    """Conditional reminders are checked when they fall due, not when scheduled."""
    if care_episode_jobs.silenced(db, n):
        return False
    condition = CONDITIONS.get(condition_key(n))
    return True if condition is None else condition(db, n)


def run_once(
    engine: Engine, settings: Settings, sender: Sender, misses: MissSweep | None = None
) -> int:
    """One delivery pass, then each domain's periodic jobs."""
    now = utcnow()
    sent = dispatch_once(
        engine,
        sender=sender,
        now=now,
        max_attempts=settings.notify_max_attempts,
        still_wanted=still_wanted,
    )
    prune_counters(engine)
    for job in JOBS:
        if misses is not None and job.run is questionnaire_jobs.sweep_misses:
            questionnaire_jobs.sweep_misses(engine, settings, now, misses)
        else:
            job.run(engine, settings, now)
    return sent


def run_forever(
    engine: Engine, settings: Settings, stop: threading.Event, sender: Sender | None = None
) -> None:
    sender = sender or build_sender(settings)
    while not stop.is_set():
        try:
            run_once(engine, settings, sender)
        except Exception:  # keep delivering after a database hiccup
            log.exception("dispatch_failed")
        stop.wait(settings.notify_poll_seconds)


class InProcessWorker:
    """The embedded mode's dispatcher, started and stopped with the app."""

    def __init__(
        self, engine: Engine, settings: Settings, registry: CollectorRegistry | None = None
    ) -> None:
        self.engine, self.settings = engine, settings
        # Built now, so a misconfigured push setting stops the app at start.
        self.sender = build_sender(settings, registry=registry)
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self) -> None:
        # A fresh thread per start: an app's lifespan may run more than once.
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=run_forever,
            args=(self.engine, self.settings, self.stop, self.sender),
            daemon=True,
            name="dispatcher",
        )
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
