"""Settings: safe embedded defaults, strict production, key files and key rotation."""

import base64
import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from app.core.config import Settings
from app.core.crypto import DecryptionError, KeyRing
from app.core.errors import TooManyRequests
from app.core.ratelimit import Throttle

KEY = "k1:" + base64.b64encode(b"a" * 32).decode()


def test_production_refuses_to_start_without_secrets() -> None:
    with pytest.raises(ValidationError, match="KAPJ_SIGNING_KEY"):
        Settings(env="production", encryption_keys=SecretStr(KEY))
    with pytest.raises(ValidationError, match="KAPJ_ENCRYPTION_KEYS"):
        Settings(env="production", signing_key=SecretStr("a-real-signing-key-of-some-length"))
    with pytest.raises(ValidationError):
        Settings(
            env="production", signing_key=SecretStr("changeme"), encryption_keys=SecretStr(KEY)
        )
    ok = Settings(
        env="production",
        signing_key=SecretStr("a-real-signing-key-0123456789abcdef"),
        encryption_keys=SecretStr(KEY),
        invitation_delivery="email",
        smtp_url=SecretStr("smtps://relay.example.org"),
        smtp_from="clinic@example.org",
        safety_oncall_emails=["oncall@clinic.example.org"],
    )
    assert ok.resolved_encryption_keys() == KEY


def test_embedded_keys_are_generated_once_with_mode_0600(tmp_path: Path) -> None:
    s = Settings(env="development", data_dir=tmp_path / "data")
    first = (s.resolved_signing_key(), s.resolved_encryption_keys())
    assert first == (s.resolved_signing_key(), s.resolved_encryption_keys())
    for name in ("signing.key", "encryption.key"):
        mode = stat.S_IMODE(os.stat(tmp_path / "data" / name).st_mode)
        assert mode == 0o600
    KeyRing.parse(first[1])  # a usable key


def test_key_rotation_decrypts_old_text_and_encrypts_with_the_new_key() -> None:
    old = KeyRing.parse(KEY)
    blob = old.encrypt("before rotation", aad=b"x")
    new_key = "k2:" + base64.b64encode(b"b" * 32).decode()
    rotated = KeyRing.parse(f"{new_key},{KEY}")
    assert rotated.decrypt(blob, aad=b"x") == "before rotation"
    fresh = rotated.encrypt("after", aad=b"x")
    assert fresh[2:4] == b"k2"
    with pytest.raises(DecryptionError):
        old.decrypt(fresh, aad=b"x")
    with pytest.raises(DecryptionError):
        rotated.decrypt(blob, aad=b"y")


@pytest.mark.parametrize(
    "spec", ["", "nokey", "k1:not-base64!", "k1:" + base64.b64encode(b"short").decode()]
)
def test_bad_key_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        KeyRing.parse(spec)


def test_throttle_counts_are_shared_through_redis() -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_timeout=1).ping()
    except Exception:
        pytest.skip("no Redis on 127.0.0.1:6379")
    rules = {"signin_account": "2/minute", "signin_address": "100/minute", "export": "1/hour"}
    key = f"shared-{os.getpid()}-{os.urandom(4).hex()}"
    a = Throttle.build(enabled=True, redis_url="redis://127.0.0.1:6379/0", rules=rules)
    b = Throttle.build(enabled=True, redis_url="redis://127.0.0.1:6379/0", rules=rules)
    a.hit("signin_account", key)
    b.hit("signin_account", key)
    with pytest.raises(TooManyRequests):
        a.check("signin_account", key)


def test_throttling_can_be_switched_off() -> None:
    off = Throttle.build(enabled=False, redis_url=None, rules={})
    for _ in range(100):
        off.consume("signin_account", "k")


def test_production_refuses_invitations_in_the_answer() -> None:
    """An admin who receives the token could accept it in the invitee's place."""
    with pytest.raises(ValidationError, match="KAPJ_INVITATION_DELIVERY"):
        Settings(
            env="production",
            signing_key=SecretStr("a-real-signing-key-0123456789abcdef"),
            encryption_keys=SecretStr(KEY),
        )
    with pytest.raises(ValidationError, match="KAPJ_SMTP_URL"):
        Settings(invitation_delivery="email")
