"""The delivery loop: `kap-journal worker`, or a thread inside `serve`."""

import threading
import uuid
from datetime import timedelta

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.config import Settings
from app.entries.models import JournalEntry
from app.entries.service import prune_idempotency_keys
from app.notifications.dispatch import dispatch_once
from app.notifications.models import Notification
from app.notifications.senders import LogSender, Sender, WebhookSender
from app.questionnaires import reminders as questionnaire_reminders
from app.reviews.service import is_unreviewed

log = structlog.get_logger("kap_journal.worker")
IDEMPOTENCY_RETENTION_HOURS = 48


def build_sender(settings: Settings) -> Sender:
    if settings.webhook_url:
        if settings.webhook_secret is None:
            raise ValueError("KAPJ_WEBHOOK_SECRET is required with KAPJ_WEBHOOK_URL")
        return WebhookSender(
            settings.webhook_url,
            settings.webhook_secret.get_secret_value(),
            timeout=settings.webhook_timeout_seconds,
        )
    return LogSender()


def still_wanted(db: Session, n: Notification) -> bool:
    """Conditional reminders are checked when they fall due, not when scheduled."""
    if n.kind == "window_closing":
        # "Nothing written yet": whatever was written, moved or deleted since it
        # was scheduled, the answer is the one at sending time.
        session_id = uuid.UUID(str(n.data["session_id"]))
        return (
            db.exec(
                select(JournalEntry.id).where(
                    col(JournalEntry.session_id) == session_id,
                    col(JournalEntry.deleted_at).is_(None),
                )
            ).first()
            is None
        )
    if n.kind == questionnaire_reminders.KIND:
        return questionnaire_reminders.still_wanted(db, n)
    if n.data.get("condition") == "unreviewed_entries":
        session_id = uuid.UUID(str(n.data["session_id"]))
        return (
            db.exec(
                select(JournalEntry.id).where(
                    col(JournalEntry.session_id) == session_id, is_unreviewed()
                )
            ).first()
            is not None
        )
    return True


def run_once(engine: Engine, settings: Settings, sender: Sender) -> int:
    now = utcnow()
    sent = dispatch_once(
        engine,
        sender=sender,
        now=now,
        max_attempts=settings.notify_max_attempts,
        still_wanted=still_wanted,
    )
    with Session(engine) as db, db.begin():
        prune_idempotency_keys(db, older_than=now - timedelta(hours=IDEMPOTENCY_RETENTION_HOURS))
    return sent


def run_forever(engine: Engine, settings: Settings, stop: threading.Event) -> None:
    sender = build_sender(settings)
    while not stop.is_set():
        try:
            run_once(engine, settings, sender)
        except Exception:  # keep delivering after a database hiccup
            log.exception("dispatch_failed")
        stop.wait(settings.notify_poll_seconds)


class InProcessWorker:
    """The embedded mode's dispatcher, started and stopped with the app."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings
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
            args=(self.engine, self.settings, self.stop),
            daemon=True,
            name="dispatcher",
        )
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=10)
