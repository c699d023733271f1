"""Settings from KAPJ_* environment variables."""

import base64
import os
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDERS = {"", "changeme", "change-me", "secret", "dev", "test"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAPJ_", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    database_url: str = "sqlite:///./data/kap-journal.db"
    data_dir: Path = Path("./data")

    # Keys: generated into data_dir outside production, required in production.
    signing_key: SecretStr | None = None
    encryption_keys: SecretStr | None = Field(
        default=None, description="Comma-separated kid:base64key; the first encrypts."
    )

    jwt_issuer: str = "kap-journal"
    jwt_audience: str = "kap-journal"
    access_token_minutes: int = 15
    refresh_token_days: int = 30

    rate_limit_enabled: bool = True
    redis_url: str | None = None
    signin_failures_per_account: str = "5/15 minutes"
    signin_failures_per_address: str = "20/15 minutes"
    export_rate: str = "10/hour"

    window_hours: float = Field(default=48, gt=0, le=24 * 14)
    integration_start_hours: float = Field(default=24, ge=0)
    integration_end_hours: float = Field(default=48, gt=0)
    allow_self_reported_sessions: bool = False

    # Shown wherever a patient writes, and with every flagged entry.
    crisis_resources: list[dict[str, str]] = [
        {"label": "988 Suicide & Crisis Lifeline (US)", "contact": "Call or text 988"},
        {"label": "Emergency services", "contact": "Call your local emergency number"},
    ]

    # --- Notification delivery (see docs/notifications.md) ---
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # Kept well under the dispatcher's send margin (45 s) so a lease never runs out mid-send.
    webhook_timeout_seconds: float = Field(default=5, gt=0, le=30)
    notify_max_attempts: int = Field(default=5, ge=1, le=50)
    notify_poll_seconds: float = Field(default=5, gt=0)
    inprocess_worker: bool = True
    # --- end of notification delivery ---

    # --- Measurement-based care (see docs/measurement.md) ---
    # Per instrument: at enrolment, in each window's integration phase, every N days
    # between windows (0 = never), N hours after each dose, after any safety flag.
    questionnaire_schedule: dict[str, dict[str, bool | int | float | None]] = {
        "phq9": {"enrolment": True, "integration": True, "between_windows_days": 14},
        "gad7": {"enrolment": True, "integration": True, "between_windows_days": 14},
        "after_effects": {"after_dose_hours": 2},
        "cssrs_screener": {"after_flag": True},
    }
    # How long a scheduled or assigned questionnaire stays open before it counts as missed.
    questionnaire_open_hours: float = Field(default=7 * 24, gt=0, le=90 * 24)
    # --- end of measurement-based care ---

    max_body_bytes: int = 256 * 1024
    cors_origins: list[str] = []
    log_level: str = "INFO"
    metrics_token: SecretStr | None = None
    db_pool_size: int = 10
    # Requests run in this many threads per process. Python runs one at a time;
    # more threads mostly add waiting for the interpreter lock between queries.
    worker_threads: int = Field(default=4, ge=1, le=256)

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> "Settings":
        if self.webhook_url and (
            self.webhook_secret is None or not self.webhook_secret.get_secret_value().strip()
        ):
            raise ValueError("KAPJ_WEBHOOK_SECRET is required with KAPJ_WEBHOOK_URL")
        return self

    @model_validator(mode="after")
    def _production_needs_keys(self) -> "Settings":
        if self.env != "production":
            return self
        for name in ("signing_key", "encryption_keys"):
            value = getattr(self, name)
            if value is None or value.get_secret_value().strip().lower() in PLACEHOLDERS:
                raise ValueError(f"KAPJ_{name.upper()} must be set to a real secret in production")
        return self

    def resolved_signing_key(self) -> str:
        if self.signing_key is not None:
            return self.signing_key.get_secret_value()
        return _key_file(self.data_dir / "signing.key", lambda: secrets.token_urlsafe(48))

    def resolved_encryption_keys(self) -> str:
        if self.encryption_keys is not None:
            return self.encryption_keys.get_secret_value()
        return _key_file(
            self.data_dir / "encryption.key",
            lambda: "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        )


def _key_file(path: Path, make: Callable[[], str]) -> str:
    """Read a key from the data folder, creating it once with mode 0600."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(f"{value}\n")
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
