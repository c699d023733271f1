"""Password hashing (Argon2id), access tokens (JWT) and opaque refresh tokens."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))
# Verified against when the email is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("dummy-password-for-timing")

ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    return _hasher.verify(password, password_hash)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenConfig:
    key: str
    issuer: str
    audience: str
    access_ttl: timedelta


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    sign_in_id: uuid.UUID
    role: str


def issue_access_token(
    cfg: TokenConfig,
    *,
    user_id: uuid.UUID,
    sign_in_id: uuid.UUID,
    role: str,
    now: datetime,
    amr: str = "pwd",
) -> str:
    """`amr` repeats the sign-in's factors for clients; the server trusts the sign-in row."""
    payload = {
        "amr": amr.split(),
        "sub": str(user_id),
        "sid": str(sign_in_id),
        "role": role,
        "iss": cfg.issuer,
        "aud": cfg.audience,
        "iat": int(now.timestamp()),
        "exp": int((now + cfg.access_ttl).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, cfg.key, algorithm=ALGORITHM)


def decode_access_token(cfg: TokenConfig, token: str, *, now: datetime) -> AccessClaims | None:
    """Claims of a valid token, or None. Expiry is checked against `now` (the app clock)."""
    verified = _verify(cfg, token)
    if verified is None or verified[1] <= now.timestamp():
        return None
    return verified[0]


# A token's signature and claims never change, so each is verified once per
# process; expiry is still checked on every request. Bounded: the oldest go first.
@lru_cache(maxsize=4096)
def _verify(cfg: TokenConfig, token: str) -> tuple[AccessClaims, int] | None:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            cfg.key,
            algorithms=[ALGORITHM],
            audience=cfg.audience,
            issuer=cfg.issuer,
            options={
                "require": ["sub", "sid", "exp", "iat", "jti", "aud", "iss"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
        if not isinstance(claims["exp"], int):
            return None
        access = AccessClaims(
            user_id=uuid.UUID(str(claims["sub"])),
            sign_in_id=uuid.UUID(str(claims["sid"])),
            role=str(claims.get("role", "")),
        )
        return access, claims["exp"]
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        return None
