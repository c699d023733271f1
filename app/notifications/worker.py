"""The delivery loop: `kap-journal worker`, or a thread inside `serve`."""

import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.throttle_store import prune_counters
from app.counts.service import is_unreviewed
from app.entries.models import JournalEntry, live
from app.entries.service import prune_idempotency_keys
from app.notifications.apns import ApnsClient
from app.notifications.dispatch import dispatch_once
from app.notifications.fcm import FcmClient
from app.notifications.models import Notification
from app.notifications.push import PushClient, PushRouter
from app.notifications.push_config import load_apns, load_fcm
from app.notifications.push_http import PushMetrics
from app.notifications.senders import LogSender, Sender, WebhookSender
from app.questionnaires import reminders as questionnaire_reminders
from app.questionnaires.deps import measure_rules_from
from app.questionnaires.misses import MissSweep
from app.safety.flags import ESCALATION_CONDITION, still_open

log = structlog.get_logger("kap_journal.worker")
IDEMPOTENCY_RETENTION_HOURS = 48
# This process's place in the round of patients whose missed questionnaires are written.
MISSES = MissSweep()


def _webhook(settings: Settings) -> WebhookSender | None:
    if settings.webhook_url:
        if settings.webhook_secret is None:
            raise ValueError("KAPJ_WEBHOOK_SECRET is required with KAPJ_WEBHOOK_URL")
        return WebhookSender(
            settings.webhook_url,
            settings.webhook_secret.get_secret_value(),
            timeout=settings.webhook_timeout_seconds,
        )
    return None


def check_push_settings(settings: Settings) -> None:
    """Load the APNs key and the FCM service account: raises SettingsError at start."""
    load_apns(settings)
    load_fcm(settings)


def build_sender(
    settings: Settings,
    *,
    registry: CollectorRegistry | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Sender:
    """Push when APNs or FCM is set up (webhook behind it), else the webhook, else the log."""
    apns, fcm = load_apns(settings), load_fcm(settings)
    webhook = _webhook(settings)
    if apns is None and fcm is None:
        return webhook or LogSender()
    metrics = PushMetrics(registry)
    timeout = settings.push_timeout_seconds
    clients: list[PushClient] = []
    if apns is not None:
        clients.append(ApnsClient(apns, metrics=metrics, clock=clock, timeout=timeout))
    if fcm is not None:
        clients.append(FcmClient(fcm, metrics=metrics, clock=clock, timeout=timeout))
    return PushRouter(clients, fallback=webhook, metrics=metrics)


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
                    live(),
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
    if n.data.get("condition") == ESCALATION_CONDITION:
        # An escalation goes out only while its flag is still unacknowledged.
        return still_open(db, n)
    return True


def run_once(engine: Engine, settings: Settings, sender: Sender, misses: MissSweep = MISSES) -> int:
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
    prune_counters(engine)
    misses.run(engine, measure_rules_from(settings), now)
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
