"""Device tokens: OWASP's "device cookie" defence against locking a person out.

A successful sign-in is answered with a device token naming the account and a
random nonce, signed by the server. A later sign-in to that account presenting it
is judged on the device's own attempt budget, untouched by failures from anywhere
else: an attacker spending the account's slow-down cannot keep the owner out of a
device they signed in on before. Nothing is stored; a token is good until it
expires, and only for the account it was issued to.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from app.core.config import Settings

PREFIX = "d1"


def _key(settings: Settings) -> bytes:
    return hmac.new(
        settings.resolved_signing_key().encode(), b"kapj-device-token-v1", hashlib.sha256
    ).digest()


def _sign(settings: Settings, account: str, nonce: str, issued: int) -> str:
    mac = hmac.new(_key(settings), f"{account}|{nonce}|{issued}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def issue(settings: Settings, *, account: str, now: datetime) -> str:
    """A device token for `account` (a normalized email)."""
    nonce = secrets.token_urlsafe(16)
    issued = int(now.timestamp())
    return f"{PREFIX}.{nonce}.{issued}.{_sign(settings, account, nonce, issued)}"


def recognise(settings: Settings, token: str, *, account: str, now: datetime) -> str | None:
    """The device's key for its throttle when `token` is this account's and live."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != PREFIX or len(token) > 200:
        return None
    _, nonce, issued_text, sig = parts
    if not issued_text.isascii() or not issued_text.isdigit() or len(issued_text) > 12:
        return None
    issued = int(issued_text)
    if not hmac.compare_digest(
        sig.encode("utf-8", "replace"), _sign(settings, account, nonce, issued).encode()
    ):
        return None
    age = now - datetime.fromtimestamp(issued, tz=now.tzinfo)
    if age > timedelta(days=settings.device_token_days) or age < timedelta(minutes=-5):
        return None
    return f"{account}|{nonce}"
