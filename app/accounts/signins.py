"""The caller's own sign-ins: listed and ended one by one."""

import re
import uuid
from datetime import datetime

from sqlmodel import Session, col, select

from app.accounts.auth_service import revoke_sign_in
from app.accounts.errors import SignInNotFound
from app.accounts.models import SignIn

_FAMILIES = (
    ("kap-journal", "kap-journal app"),
    ("edg/", "Edge"),
    ("firefox/", "Firefox"),
    ("chrome/", "Chrome"),
    ("safari/", "Safari"),
    ("okhttp", "Android app"),
    ("cfnetwork", "iOS app"),
    ("curl/", "curl"),
    ("python", "script"),
)
_PLATFORMS = (
    ("iphone", "iPhone"),
    ("ipad", "iPad"),
    ("android", "Android"),
    ("windows", "Windows"),
    ("mac os", "macOS"),
    ("linux", "Linux"),
)


def coarse_user_agent(header: str | None) -> str | None:
    """A family and a platform ("Firefox on Linux"): enough to recognise, not to fingerprint."""
    if not header:
        return None
    low = re.sub(r"\s+", " ", header[:512].lower())
    family = next((name for key, name in _FAMILIES if key in low), "other")
    platform = next((name for key, name in _PLATFORMS if key in low), None)
    return f"{family} on {platform}" if platform else family


def live_sign_ins(db: Session, *, user_id: uuid.UUID) -> list[SignIn]:
    return list(
        db.exec(
            select(SignIn)
            .where(SignIn.user_id == user_id, col(SignIn.revoked_at).is_(None))
            .order_by(col(SignIn.created_at).desc(), col(SignIn.id).desc())
            .limit(200)
        ).all()
    )


def end_sign_in(db: Session, *, user_id: uuid.UUID, sign_in_id: uuid.UUID, now: datetime) -> None:
    """End one of the caller's own sign-ins; another person's answers 404."""
    session = db.get(SignIn, sign_in_id)
    if session is None or session.user_id != user_id or session.revoked_at is not None:
        raise SignInNotFound()
    revoke_sign_in(db, sign_in_id, now=now, reason="ended_by_user")
