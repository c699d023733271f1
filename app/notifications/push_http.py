"""What the APNs and FCM clients share: Retry-After, auth failures, counters."""

import email.utils
import time

import httpx
import structlog
from prometheus_client import CollectorRegistry, Counter

log = structlog.get_logger("kap_journal.notifications")


class AuthFailed(Exception):
    """The service refused our credentials even after they were renewed."""

    def __init__(self, platform: str, reason: str | None) -> None:
        super().__init__(f"{platform} authentication failed: {reason}")
        self.platform = platform
        self.reason = reason or "auth_failed"


class PushMetrics:
    """Counters on the app's /metrics registry (or the worker's own)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.deliveries = Counter(
            "kapj_push_deliveries_total",
            "Push deliveries per device, by platform and outcome",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self.auth_failures = Counter(
            "kapj_push_auth_failures_total",
            "Push attempts refused for our credentials after one renewal",
            ["platform"],
            registry=self.registry,
        )

    def auth_failed(self, exc: AuthFailed) -> None:
        self.auth_failures.labels(exc.platform).inc()
        log.error("push_auth_failed", platform=exc.platform, reason=exc.reason)

    def delivered(self, platform: str, outcome: str) -> None:
        self.deliveries.labels(platform, outcome).inc()


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After as seconds, whether given as a number or an HTTP date."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
