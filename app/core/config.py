"""Settings from KAPJ_* environment variables."""

import base64
import os
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDERS = {"", "changeme", "change-me", "secret", "dev", "test"}

RESOURCE_LOCALES = ("en", "es")
# channel: call, text, chat or emergency; url: what a tap opens.
DEFAULT_CRISIS_RESOURCES: dict[str, list[dict[str, str]]] = {
    "en": [
        {
            "label": "988 Suicide & Crisis Lifeline (US)",
            "contact": "Call 988",
            "channel": "call",
            "url": "tel:988",
        },
        {
            "label": "988 Suicide & Crisis Lifeline (US)",
            "contact": "Text 988",
            "channel": "text",
            "url": "sms:988",
        },
        {
            "label": "988 Lifeline chat",
            "contact": "Chat at 988lifeline.org",
            "channel": "chat",
            "url": "https://988lifeline.org/chat/",
        },
        {
            "label": "988 Lifeline in Spanish",
            "contact": "Call 988 and press 2",
            "channel": "call",
            "url": "tel:988",
        },
        {
            "label": "Emergency services",
            "contact": "Call 911 or your local emergency number",
            "channel": "emergency",
            "url": "tel:911",
        },
    ],
    "es": [
        {
            "label": "988 Línea de Prevención del Suicidio y Crisis (EE. UU.), en español",
            "contact": "Llama al 988 y marca 2 (Ayuda en español)",
            "channel": "call",
            "url": "tel:988",
        },
        {
            "label": "988 Línea de Prevención del Suicidio y Crisis, por mensaje de texto",
            "contact": "Envía AYUDA al 988",
            "channel": "text",
            "url": "sms:988",
        },
        {
            "label": "988 Línea de Prevención del Suicidio y Crisis, por chat",
            "contact": "Chatea en 988lineadevida.org",
            "channel": "chat",
            "url": "https://988lineadevida.org/",
        },
        {
            "label": "Servicios de emergencia",
            "contact": "Llama al 911 o al número de emergencias de tu zona",
            "channel": "emergency",
            "url": "tel:911",
        },
    ],
}


def window_hours_problem(
    *, window: float, integration_start: float, integration_end: float, acute: float
) -> str | None:
    """Why the clinic's hours contradict each other, in one line, or None."""
    if integration_start > window:
        return "KAPJ_INTEGRATION_START_HOURS is after the window closes (KAPJ_WINDOW_HOURS)"
    if integration_end < integration_start:
        return "KAPJ_INTEGRATION_END_HOURS is before KAPJ_INTEGRATION_START_HOURS"
    if acute > 0 and acute >= integration_start:
        return "KAPJ_ACUTE_HOURS must end before KAPJ_INTEGRATION_START_HOURS"
    return None


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
    # The first hours after a dose: only grounding and gentle prompts (docs/prompts.md).
    acute_hours: float = Field(default=2, ge=0)

    # Shown wherever a patient writes, and with every flagged entry: per locale
    # ({"en": [...], "es": [...]}); a plain list is taken as the English one.
    # A locale without its own list gets the English one.
    crisis_resources: dict[str, list[dict[str, str]]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_CRISIS_RESOURCES.items()}
    )

    # --- Notification delivery (see docs/notifications.md) ---
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # Kept well under the dispatcher's send margin (45 s) so a lease never runs out mid-send.
    webhook_timeout_seconds: float = Field(default=5, gt=0, le=30)
    notify_max_attempts: int = Field(default=5, ge=1, le=50)
    notify_poll_seconds: float = Field(default=5, gt=0)
    inprocess_worker: bool = True
    # --- end of notification delivery ---

    max_body_bytes: int = 256 * 1024
    cors_origins: list[str] = []
    log_level: str = "INFO"
    metrics_token: SecretStr | None = None
    db_pool_size: int = 10
    # Requests run in this many threads per process. Python runs one at a time;
    # more threads mostly add waiting for the interpreter lock between queries.
    worker_threads: int = Field(default=4, ge=1, le=256)

    @field_validator("crisis_resources", mode="before")
    @classmethod
    def _resources_per_locale(cls, value: object) -> object:
        if isinstance(value, list):
            return {"en": value}
        if isinstance(value, dict):
            unknown = sorted(set(value) - set(RESOURCE_LOCALES))
            if unknown:
                raise ValueError(f"KAPJ_CRISIS_RESOURCES: unknown locale {unknown[0]!r}")
            if "en" not in value:
                value = {"en": DEFAULT_CRISIS_RESOURCES["en"], **value}
        return value

    @model_validator(mode="after")
    def _window_hours_agree(self) -> "Settings":
        problem = window_hours_problem(
            window=self.window_hours,
            integration_start=self.integration_start_hours,
            integration_end=self.integration_end_hours,
            acute=self.acute_hours,
        )
        if problem:
            raise ValueError(problem)
        return self

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
