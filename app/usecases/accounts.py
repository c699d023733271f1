"""An admin creates an account or replaces its lost invitation, from the API or the
clinic: the account is stored and its one-time invitation issued in one place.

With KAPJ_INVITATION_DELIVERY=email the token goes only to the invitee's address,
through the outbox; the admin learns that it was sent and when it expires."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.accounts import invitations, login
from app.accounts import service as accounts
from app.accounts.auth_service import IssuedTokens
from app.accounts.errors import InvalidMfaCode, InvitationNotNeeded
from app.accounts.models import Role, User
from app.accounts.schemas import UserCreate
from app.core.context import AppContext
from app.notifications.email import INVITATION_EMAIL, seal_token
from app.notifications.outbox import Notice, tell
from app.usecases.act import Act


@dataclass(frozen=True)
class InvitationReceipt:
    """What the admin is told: the token only in development's `response` mode."""

    expires_at: datetime
    delivery: str
    sent_to: str | None = None
    token: str | None = None


INVITATION = Notice(
    INVITATION_EMAIL, "Your kap-journal invitation", "An invitation to set your password."
)


def _issue(act: Act, user: User, address: str) -> InvitationReceipt:
    if act.settings.invitation_delivery == "response":
        issued = login.create_invitation(act.db, act.ctx, user=user, now=act.now)
        return InvitationReceipt(issued.expires_at, "response", token=issued.token)
    issued = login.create_invitation(act.db, act.ctx, user=user, now=act.now, sent_to=address)
    data = {
        "to": address,
        "token": seal_token(act.keyring, user_id=user.id, token=issued.token),
        "expires_at": issued.expires_at.isoformat(),
    }
    act.notify(user.id, f"invitation:{issued.id}", INVITATION, data)
    return InvitationReceipt(issued.expires_at, "email", sent_to=address)


def create_account(act: Act, new: UserCreate) -> tuple[User, InvitationReceipt]:
    """Nobody sets another person's password: the account gets an invitation instead."""
    user = accounts.create_user(act.db, **new.model_dump(), password=None, now=act.now)
    return user, _issue(act, user, user.email)


def reissue_invitation(act: Act, *, user_id: uuid.UUID) -> tuple[User, InvitationReceipt]:
    """Replace a lost invitation of an account with no password yet; the old one is void.
    It goes to the address the first one went to."""
    user = accounts.get_user(act.db, user_id)
    if user.password_hash:
        raise InvitationNotNeeded()
    address = invitations.last_address(act.db, user_id=user.id) or user.email
    return user, _issue(act, user, address)


MFA_CEILING = Notice(
    "security_mfa_ceiling",
    "An account needs a recovery code",
    "Too many wrong authenticator codes today: the account can now sign in only with a "
    "recovery code. Check the security log if this was not its owner.",
)


def complete_mfa(
    db: Session, ctx: AppContext, attempt: login.Attempt, *, mfa_token: str, code: str
) -> IssuedTokens:
    """The second step of a sign-in, for both doors. When wrong codes reach the day's
    ceiling, every active admin is told; the door answers that refusal without rolling
    back (InvalidMfaCode.ceiling_reached_by is set), so the notices are kept."""
    try:
        return login.complete_mfa(db, ctx, attempt, mfa_token=mfa_token, code=code)
    except InvalidMfaCode as exc:
        if exc.ceiling_reached_by is not None:
            _tell_admins_of_ceiling(db, exc.ceiling_reached_by, attempt.now)
        raise


def _tell_admins_of_ceiling(db: Session, user_id: uuid.UUID, now: datetime) -> None:
    admins = db.exec(
        select(User.id).where(User.role == Role.admin, col(User.is_active).is_(True))
    ).all()
    for admin_id in admins:
        key = f"mfa_ceiling:{user_id}:{admin_id}:{now:%Y-%m-%d}"
        tell(db, MFA_CEILING, user_id=admin_id, key=key, now=now, data={"user_id": str(user_id)})
