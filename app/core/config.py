"""Settings from KAPJ_* environment variables."""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    *,
    window: float,
    integration_start: float,
    integration_end: float,
    acute: float,
    acute_by_route: dict[str, float] | None = None,
) -> str | None:
    """Why the clinic's hours contradict each other, in one line, or None."""
    if integration_start > window:
        return "KAPJ_INTEGRATION_START_HOURS is after the window closes (KAPJ_WINDOW_HOURS)"
    if integration_end < integration_start:
        return "KAPJ_INTEGRATION_END_HOURS is before KAPJ_INTEGRATION_START_HOURS"
    if acute > 0 and acute >= integration_start:
        return "KAPJ_ACUTE_HOURS must end before KAPJ_INTEGRATION_START_HOURS"
    for route, hours in sorted((acute_by_route or {}).items()):
        if hours > 0 and hours >= integration_start:
            return (
                f"KAPJ_ACUTE_HOURS_BY_ROUTE[{route!r}] must end before KAPJ_INTEGRATION_START_HOURS"
            )
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
    # Where throttle counts live without Redis: `auto` is the database on PostgreSQL
    # (shared by every process) and memory on SQLite (one process).
    throttle_store: Literal["auto", "memory", "database"] = "auto"
    signin_failures_per_account: str = "5/15 minutes"
    signin_failures_per_address: str = "20/15 minutes"
    export_rate: str = "10/hour"
    # Requests per signed-in caller, advertised in RateLimit/RateLimit-Policy (IETF draft).
    api_rate: str = "600/minute"

    window_hours: float = Field(default=48, gt=0, le=24 * 14)
    integration_start_hours: float = Field(default=24, ge=0)
    integration_end_hours: float = Field(default=48, gt=0)
    allow_self_reported_sessions: bool = False
    # The first hours after a dose: the window's `acute` phase, when only grounding and
    # gentle prompts are served (docs/prompts.md); per route where the clinic wants,
    # e.g. {"oral": 3}. A route not listed gets acute_hours.
    acute_hours: float = Field(default=2, ge=0)
    acute_hours_by_route: dict[
        Literal["iv", "im", "sublingual", "intranasal", "oral"],
        Annotated[float, Field(ge=0, le=24 * 14, allow_inf_nan=False)],
    ] = Field(default_factory=dict)

    # Shown wherever a patient writes, and with every flagged entry: per locale
    # ({"en": [...], "es": [...]}); a plain list is taken as the English one.
    # A locale without its own list gets the English one.
    clinic_name: str = Field(
        default="kap-journal clinic",
        min_length=1,
        max_length=120,
        description="The clinic's name, printed on the integration prep",
    )
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
    # Push (docs/notifications.md): APNs needs all four of key file, key id, team id, topic.
    apns_key_file: Path | None = None
    apns_key_id: str | None = None
    apns_team_id: str | None = None
    apns_topic: str | None = None
    apns_endpoint: str = "production"
    fcm_credentials_file: Path | None = None
    fcm_endpoint: str = "https://fcm.googleapis.com"
    # Per request. A device costs at most four requests (token, send, renewal, send),
    # and a message starts no device after 20 s: 20 + 4 x 5 stays under the 45 s margin.
    push_timeout_seconds: float = Field(default=5, gt=0, le=5)
    # --- end of notification delivery ---

    # --- The clinic on the web (see docs/clinic.md) ---
    clinic_idle_minutes: int = Field(default=15, ge=1, le=240)
    clinic_absolute_hours: float = Field(default=12, gt=0, le=24 * 7)
    # --- end of the clinic on the web ---
    # --- Safety escalation (see docs/safety.md) ---
    # A flag nobody acknowledged within this time goes to the on-call staff.
    safety_escalation_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # Accounts (role therapist or admin) who get escalated and care-team-less flags;
    # comma-separated or a JSON list.
    safety_oncall_emails: Annotated[list[str], NoDecode] = []
    # On-call is explicit: production refuses to start unless the emails above are
    # set or this says the clinic has no on-call staff (docs/safety.md).
    safety_no_oncall: bool = False
    # --- end of safety escalation ---
    # --- Measurement-based care (see docs/measurement.md) ---
    # Per instrument: at enrolment, in each window's integration phase, every N days
    # between windows (0 = never), N hours after each dose, after any safety flag.
    # Unset: each instrument's "schedule" in app/questionnaires/instruments.json. Set,
    # it replaces that whole table ({} schedules nothing; care teams can still assign).
    questionnaire_schedule: dict[str, dict[str, bool | int | float | None]] | None = None
    # How long a scheduled or assigned questionnaire stays open before it counts as missed.
    questionnaire_open_hours: float = Field(default=7 * 24, gt=0, le=90 * 24)
    # --- end of measurement-based care ---

    # --- Retention (see docs/retention.md and docs/privacy.md) ---
    # The clinical record is kept this long after the patient's last clinical contact.
    retention_years: int = Field(default=7, ge=1, le=100)
    # The audit trail's own retention (HIPAA asks six years of access records).
    audit_retention_years: int = Field(default=7, ge=6, le=100)
    # --- end of retention ---
    max_body_bytes: int = 256 * 1024
    cors_origins: list[str] = []
    log_level: str = "INFO"
    metrics_token: SecretStr | None = None
    db_pool_size: int = 10
    # Requests run in this many threads per process. Python runs one at a time;
    # more threads mostly add waiting for the interpreter lock between queries.
    worker_threads: int = Field(default=4, ge=1, le=256)

    # --- Accounts and sign-in security (see docs/security.md) ---
    # Keys the HMAC of entry fingerprints; derived from the signing key when unset.
    fingerprint_key: SecretStr | None = None
    invitation_hours: int = Field(default=72, ge=1, le=24 * 30)
    # Absolute lifetime of a sign-in: refresh rotation never extends it past this.
    # KAPJ_SESSION_MAX_DAYS_* are the names of v1.1, still read for one version.
    sign_in_max_days_patient: int = Field(
        default=90,
        ge=1,
        le=3650,
        validation_alias=AliasChoices(
            "sign_in_max_days_patient",
            "kapj_sign_in_max_days_patient",
            "kapj_session_max_days_patient",
        ),
    )
    sign_in_max_days_staff: int = Field(
        default=7,
        ge=1,
        le=3650,
        validation_alias=AliasChoices(
            "sign_in_max_days_staff", "kapj_sign_in_max_days_staff", "kapj_session_max_days_staff"
        ),
    )
    # Unset: on in production, off elsewhere.
    require_staff_mfa: bool | None = None
    public_docs: bool = False
    # Wrong passwords from one address for one account before that pair is refused.
    signin_failures_per_pair: str = "5/15 minutes"
    # Past signin_failures_per_account an account is slowed to this, never locked.
    signin_slow_rate: str = "1/10 seconds"
    mfa_attempts: str = "5/5 minutes"
    password_change_attempts: str = "5/15 minutes"  # noqa: S105  (a rate, not a secret)

    # How an invitation reaches its person: `email` through the outbox and SMTP, or
    # `response`, the token in the admin's answer (development only).
    invitation_delivery: Literal["email", "response"] = "response"
    # smtp://[user:pass@]host[:port] (a local relay) or smtps://...; STARTTLS on smtp://.
    smtp_url: SecretStr | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10, gt=0, le=60)
    # Where people open the clinic, for the link in an invitation email.
    public_url: str | None = None
    # Wrong TOTP codes per account per day before only a recovery code will do.
    mfa_daily_failures: int = Field(default=20, ge=1, le=1000)
    # Wrong passwords from one known device (a device token) before it is refused;
    # its own budget, untouched by failures from elsewhere.
    signin_failures_per_device: str = "5/15 minutes"
    device_token_days: int = Field(default=180, ge=1, le=3650)
    # Invitation acceptances, counted per client address and per token alike.
    invitation_attempts: str = "10/minute"

    # --- end of accounts and sign-in security ---
    @field_validator("safety_oncall_emails", mode="before")
    @classmethod
    def _oncall_emails(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            value = json.loads(text) if text.startswith("[") else text.split(",")
        if not isinstance(value, list):
            return value
        emails = [str(v).strip().lower() for v in value if str(v).strip()]
        for email in emails:
            local, _, domain = email.partition("@")
            if not local or "." not in domain or " " in email:
                raise ValueError(f"KAPJ_SAFETY_ONCALL_EMAILS: {email!r} is not an email address")
        return emails

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
            acute_by_route={str(k): v for k, v in self.acute_hours_by_route.items()},
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
    def _push_settings_hang_together(self) -> "Settings":
        apns = {
            "KAPJ_APNS_KEY_FILE": self.apns_key_file,
            "KAPJ_APNS_KEY_ID": self.apns_key_id,
            "KAPJ_APNS_TEAM_ID": self.apns_team_id,
            "KAPJ_APNS_TOPIC": self.apns_topic,
        }
        missing = [name for name, value in apns.items() if not value]
        if 0 < len(missing) < len(apns):
            raise ValueError(f"{missing[0]} is required when any KAPJ_APNS_* key setting is set")
        if self.apns_key_id is not None and not re.fullmatch(r"[A-Z0-9]{10}", self.apns_key_id):
            raise ValueError("KAPJ_APNS_KEY_ID must be the 10-character key id from Apple")
        if self.apns_team_id is not None and not re.fullmatch(r"[A-Z0-9]{10}", self.apns_team_id):
            raise ValueError("KAPJ_APNS_TEAM_ID must be the 10-character team id from Apple")
        if self.apns_topic is not None and not re.fullmatch(r"[A-Za-z0-9.-]+", self.apns_topic):
            raise ValueError("KAPJ_APNS_TOPIC must be the app's bundle id")
        if self.apns_endpoint not in ("production", "sandbox") and not _is_url(self.apns_endpoint):
            raise ValueError("KAPJ_APNS_ENDPOINT must be production, sandbox or an http(s) URL")
        if not _is_url(self.fcm_endpoint):
            raise ValueError("KAPJ_FCM_ENDPOINT must be an http(s) URL")
        return self

    @model_validator(mode="after")
    def _email_needs_smtp(self) -> "Settings":
        if self.invitation_delivery == "email" and not (self.smtp_url and self.smtp_from):
            raise ValueError(
                "KAPJ_INVITATION_DELIVERY=email needs KAPJ_SMTP_URL and KAPJ_SMTP_FROM"
            )
        if self.smtp_url and not self.smtp_url.get_secret_value().lower().startswith(
            ("smtp://", "smtps://")
        ):
            raise ValueError("KAPJ_SMTP_URL must be smtp:// or smtps://")
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

    @model_validator(mode="after")
    def _production_hardening(self) -> "Settings":
        if self.env != "production":
            return self
        key = self.signing_key.get_secret_value() if self.signing_key else ""
        if len(key.encode()) < 32:
            raise ValueError("KAPJ_SIGNING_KEY must be at least 32 bytes in production")
        if self.webhook_url and not self.webhook_url.lower().startswith("https://"):
            raise ValueError("KAPJ_WEBHOOK_URL must be https in production")
        if self.invitation_delivery == "response":
            # An admin who holds the token could accept it as the invitee.
            raise ValueError("KAPJ_INVITATION_DELIVERY must be email in production")
        return self

    @model_validator(mode="after")
    def _production_names_on_call(self) -> "Settings":
        # Urgent flags page the on-call staff: a clinic that forgot to name them
        # would page nobody at night without knowing it.
        if self.safety_oncall_emails and self.safety_no_oncall:
            raise ValueError(
                "KAPJ_SAFETY_NO_ONCALL=true contradicts KAPJ_SAFETY_ONCALL_EMAILS: set one"
            )
        if self.env == "production" and not (self.safety_oncall_emails or self.safety_no_oncall):
            raise ValueError(
                "KAPJ_SAFETY_ONCALL_EMAILS must name the on-call staff in production "
                "(or set KAPJ_SAFETY_NO_ONCALL=true if the clinic has none)"
            )
        return self

    @property
    def staff_mfa_required(self) -> bool:
        if self.require_staff_mfa is None:
            return self.env == "production"
        return self.require_staff_mfa

    def resolved_fingerprint_key(self) -> bytes:
        if self.fingerprint_key is not None:
            return self.fingerprint_key.get_secret_value().encode()
        signing = self.resolved_signing_key().encode()
        return hmac.new(signing, b"kapj-fingerprint-v1", hashlib.sha256).digest()

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


def _is_url(value: str) -> bool:
    return re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value) is not None


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


class SettingsError(ValueError):
    """A setting whose value cannot work (a key file that does not load, ...)."""
