"""Which sender delivers: push (APNs, FCM) with the webhook behind it, or the webhook,
or the log; built once at start so a misconfigured push setting stops the process."""

from collections.abc import Callable
from datetime import datetime

from prometheus_client import CollectorRegistry

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.crypto import KeyRing
from app.notifications.apns import ApnsClient
from app.notifications.email import INVITATION_EMAIL, KindRouter, SmtpSender
from app.notifications.fcm import FcmClient
from app.notifications.push import PushClient, PushRouter
from app.notifications.push_config import load_apns, load_fcm
from app.notifications.push_http import PushMetrics
from app.notifications.senders import LogSender, Sender, WebhookSender

__all__ = ["Sender", "build_sender", "check_push_settings"]


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
    """Invitation emails over SMTP when it is set up; the rest as _build_push_sender says."""
    other = _build_push_sender(settings, registry=registry, clock=clock)
    if settings.smtp_url is None or not settings.smtp_from:
        return other
    smtp = SmtpSender(
        settings.smtp_url.get_secret_value(),
        settings.smtp_from,
        KeyRing.parse(settings.resolved_encryption_keys()),
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
        public_url=settings.public_url,
    )
    return KindRouter({INVITATION_EMAIL: smtp}, default=other)


def _build_push_sender(
    settings: Settings,
    *,
    registry: CollectorRegistry | None,
    clock: Callable[[], datetime],
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
