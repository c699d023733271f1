"""Loading the APNs key and the FCM service account, once, at start.

Every problem is a SettingsError with one line naming the variable, so `serve`
and `worker` stop before they start instead of failing at the first send.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from app.core.config import Settings, SettingsError

APNS_HOSTS = {
    "production": "https://api.push.apple.com",
    "sandbox": "https://api.sandbox.push.apple.com",
}
FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"


@dataclass(frozen=True)
class ApnsConfig:
    key: EllipticCurvePrivateKey
    key_id: str
    team_id: str
    topic: str
    endpoint: str


@dataclass(frozen=True)
class FcmConfig:
    project_id: str
    client_email: str
    key: RSAPrivateKey
    key_id: str | None
    token_uri: str
    endpoint: str


def _read(path: Path, variable: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"{variable}: cannot read {path}: {exc.strerror}") from exc


def _private_key(data: bytes, variable: str, what: str) -> object:
    try:
        return load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise SettingsError(f"{variable}: not an unencrypted PEM private key ({what})") from exc


def load_apns(settings: Settings) -> ApnsConfig | None:
    """The APNs signing key and where to send, or None when APNs is not set up."""
    if settings.apns_key_file is None:
        return None
    # Settings already requires all four together.
    assert settings.apns_key_id is not None  # noqa: S101
    assert settings.apns_team_id is not None  # noqa: S101
    assert settings.apns_topic is not None  # noqa: S101
    what = "the .p8 file from Apple"
    key = _private_key(
        _read(settings.apns_key_file, "KAPJ_APNS_KEY_FILE"), "KAPJ_APNS_KEY_FILE", what
    )
    if not isinstance(key, EllipticCurvePrivateKey) or not isinstance(key.curve, SECP256R1):
        raise SettingsError("KAPJ_APNS_KEY_FILE: not an EC P-256 key (the .p8 file from Apple)")
    return ApnsConfig(
        key=key,
        key_id=settings.apns_key_id,
        team_id=settings.apns_team_id,
        topic=settings.apns_topic,
        endpoint=APNS_HOSTS.get(settings.apns_endpoint, settings.apns_endpoint).rstrip("/"),
    )


def _field(info: dict[str, Any], name: str) -> str:
    value = info.get(name)
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(f"KAPJ_FCM_CREDENTIALS_FILE: the service account has no {name}")
    return value


def load_fcm(settings: Settings) -> FcmConfig | None:
    """The Firebase service account, or None when FCM is not set up."""
    if settings.fcm_credentials_file is None:
        return None
    raw = _read(settings.fcm_credentials_file, "KAPJ_FCM_CREDENTIALS_FILE")
    try:
        info = json.loads(raw)
    except ValueError as exc:
        raise SettingsError("KAPJ_FCM_CREDENTIALS_FILE: not a JSON file") from exc
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise SettingsError("KAPJ_FCM_CREDENTIALS_FILE: not a service account key (type)")
    token_uri = _field(info, "token_uri")
    if not re.fullmatch(r"https?://\S+", token_uri):
        raise SettingsError("KAPJ_FCM_CREDENTIALS_FILE: token_uri is not an http(s) URL")
    what = "the service account's private_key"
    key = _private_key(_field(info, "private_key").encode(), "KAPJ_FCM_CREDENTIALS_FILE", what)
    if not isinstance(key, RSAPrivateKey):
        raise SettingsError("KAPJ_FCM_CREDENTIALS_FILE: private_key is not an RSA key")
    key_id = info.get("private_key_id")
    return FcmConfig(
        project_id=_field(info, "project_id"),
        client_email=_field(info, "client_email"),
        key=key,
        key_id=key_id if isinstance(key_id, str) else None,
        token_uri=token_uri,
        endpoint=settings.fcm_endpoint.rstrip("/"),
    )
