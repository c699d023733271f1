"""TOTP (RFC 6238) enrolment and checks, recovery codes, and the short-lived MFA token."""

import base64
import hmac
import io
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
import pyotp
import segno
from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from app.accounts.auth_service import revoke_user_sign_ins
from app.accounts.errors import InvalidMfaCode, MfaAlreadyEnrolled, MfaNotStarted
from app.accounts.models import RecoveryCode, SignIn, SpentMfaToken, User
from app.core.crypto import KeyRing
from app.core.errors import InvalidToken
from app.core.security import ALGORITHM, TokenConfig, hash_token

ISSUER = "kap-journal"
RECOVERY_CODES = 10
MFA_TOKEN_TTL = timedelta(minutes=5)
_STEP = 30
_MFA_AUDIENCE = "kap-journal-mfa"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


def _aad(user_id: uuid.UUID) -> bytes:
    return b"totp_secret:" + user_id.bytes


def is_enrolled(user: User) -> bool:
    return user.totp_confirmed_at is not None


def start_enrolment(db: Session, keyring: KeyRing, *, user: User, now: datetime) -> Enrolment:
    """A new secret, kept pending until a code from it is confirmed."""
    if is_enrolled(user):
        raise MfaAlreadyEnrolled()
    secret = pyotp.random_base32()
    user.totp_secret = keyring.encrypt(secret, aad=_aad(user.id))
    user.totp_last_step = None
    user.updated_at = now
    db.add(user)
    db.flush()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", xmldecl=False, scale=4)
    return Enrolment(secret=secret, otpauth_uri=uri, qr_svg=buffer.getvalue().decode())


def _claim_totp(db: Session, keyring: KeyRing, *, user: User, code: str, now: datetime) -> bool:
    """Accept a code of this, the previous or the next 30 s step, once."""
    if user.totp_secret is None or not (len(code) == 6 and code.isdigit()):
        return False
    totp = pyotp.TOTP(keyring.decrypt(user.totp_secret, aad=_aad(user.id)))
    current = int(now.timestamp()) // _STEP
    for step in (current - 1, current, current + 1):
        if not hmac.compare_digest(totp.at(step * _STEP), code):
            continue
        # Conditional update: a code (its step or an earlier one) is used at most once,
        # even by two concurrent requests.
        claimed = db.execute(
            update(User)
            .where(
                col(User.id) == user.id,
                or_(col(User.totp_last_step).is_(None), col(User.totp_last_step) < step),
            )
            .values(totp_last_step=step)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
    return False


def _normalise_recovery(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


def _claim_recovery(db: Session, *, user: User, code: str, now: datetime) -> bool:
    claimed = db.execute(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user.id,
            col(RecoveryCode.code_hash) == hash_token(_normalise_recovery(code)),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=now)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def has_second_factor(amr: str) -> bool:
    """Whether a sign-in passed a second factor (its amr, app/accounts/models.py)."""
    return bool({"otp", "recovery"} & set(amr.split()))


def confirm_enrolment(
    db: Session,
    keyring: KeyRing,
    *,
    user: User,
    code: str,
    now: datetime,
    keep: uuid.UUID | None = None,
) -> list[str]:
    """Finish enrolment with a code from the app; answers the recovery codes, once.

    Every other sign-in of the account ends: one made with the password alone must
    not become privileged by the enrolment. `keep`, the sign-in enrolling, has just
    shown a code, so it now counts as passed with one."""
    if is_enrolled(user):
        raise MfaAlreadyEnrolled()
    if user.totp_secret is None:
        raise MfaNotStarted()
    if not _claim_totp(db, keyring, user=user, code=code, now=now):
        raise InvalidMfaCode()
    db.refresh(user)
    user.totp_confirmed_at = now
    user.updated_at = now
    db.add(user)
    revoke_user_sign_ins(db, user.id, now=now, reason="mfa_enrolled", keep=keep)
    if keep is not None:
        db.execute(update(SignIn).where(col(SignIn.id) == keep).values(amr="pwd otp"))
    # 80 random bits each: a plain SHA-256 of that many is beyond guessing from a dump.
    codes = [base64.b32encode(secrets.token_bytes(10)).decode() for _ in range(RECOVERY_CODES)]
    db.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    for plain in codes:
        db.add(RecoveryCode(user_id=user.id, code_hash=hash_token(plain)))
    db.flush()
    return ["-".join(c[i : i + 4] for i in range(0, 16, 4)) for c in codes]


def looks_like_totp(code: str) -> bool:
    return code.strip().isdigit() and len(code.strip()) <= 8


def verify_code(
    db: Session,
    keyring: KeyRing,
    *,
    user: User,
    code: str,
    now: datetime,
    totp_allowed: bool = True,
) -> str:
    """The factor a right code proves ("otp" or "recovery"), or InvalidMfaCode."""
    code = code.strip()
    if not is_enrolled(user):
        raise InvalidMfaCode()
    if totp_allowed and _claim_totp(db, keyring, user=user, code=code, now=now):
        return "otp"
    if len(code) <= 32 and _claim_recovery(db, user=user, code=code, now=now):
        return "recovery"
    raise InvalidMfaCode()


@dataclass(frozen=True)
class MfaTicket:
    user_id: uuid.UUID
    jti: str
    expires_at: datetime


def open_mfa_token(db: Session, cfg: TokenConfig, token: str, *, now: datetime) -> MfaTicket:
    """A live MFA token that has not yet bought a sign-in."""
    user_id = decode_mfa_token(cfg, token, now=now)
    claims = jwt.decode(token, options={"verify_signature": False})
    jti = str(claims.get("jti") or "")
    if not jti or db.get(SpentMfaToken, jti) is not None:
        raise InvalidToken()
    return MfaTicket(user_id, jti, datetime.fromtimestamp(int(claims["exp"]), tz=UTC))


def spend_mfa_token(db: Session, ticket: MfaTicket, *, now: datetime) -> None:
    """One successful code per MFA token; of two racing, the second fails on the key."""
    db.execute(delete(SpentMfaToken).where(col(SpentMfaToken.expires_at) < now))
    try:
        with db.begin_nested():
            db.add(SpentMfaToken(jti=ticket.jti, expires_at=ticket.expires_at))
            db.flush()
    except IntegrityError as exc:
        raise InvalidToken() from exc


def remove(db: Session, *, user: User, now: datetime, keep: uuid.UUID | None = None) -> None:
    """Reset the second factor; every other sign-in of the account ends."""
    revoke_user_sign_ins(db, user.id, now=now, reason="mfa_reset", keep=keep)
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.updated_at = now
    db.add(user)
    db.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
    db.flush()


def issue_mfa_token(cfg: TokenConfig, *, user_id: uuid.UUID, now: datetime) -> str:
    """Proof that the password was right, good for one MFA step within five minutes."""
    payload = {
        "sub": str(user_id),
        "aud": _MFA_AUDIENCE,
        "iss": cfg.issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + MFA_TOKEN_TTL).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, cfg.key, algorithm=ALGORITHM)


def decode_mfa_token(cfg: TokenConfig, token: str, *, now: datetime) -> uuid.UUID:
    try:
        claims = jwt.decode(
            token,
            cfg.key,
            algorithms=[ALGORITHM],
            audience=_MFA_AUDIENCE,
            issuer=cfg.issuer,
            options={"require": ["sub", "exp", "aud", "iss"], "verify_exp": False},
        )
        if not isinstance(claims["exp"], int) or claims["exp"] <= now.timestamp():
            raise InvalidToken()
        return uuid.UUID(str(claims["sub"]))
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise InvalidToken() from exc
