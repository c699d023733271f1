"""An admin creates an account or replaces its lost invitation, from the API or the
clinic: the account is stored and its one-time invitation issued in one place."""

import uuid

from app.accounts import login
from app.accounts import service as accounts
from app.accounts.errors import InvitationNotNeeded
from app.accounts.invitations import IssuedInvitation
from app.accounts.models import Role, User
from app.usecases.act import Act


def create_account(
    act: Act,
    *,
    email: str,
    role: Role,
    display_name: str,
    timezone: str,
    locale: str | None = None,
) -> tuple[User, IssuedInvitation]:
    """Nobody sets another person's password: the account gets an invitation instead."""
    user = accounts.create_user(
        act.db,
        email=email,
        role=role,
        display_name=display_name,
        timezone=timezone,
        locale=locale,
        password=None,
        now=act.now,
    )
    return user, login.create_invitation(act.db, act.ctx, user=user, now=act.now)


def reissue_invitation(act: Act, *, user_id: uuid.UUID) -> tuple[User, IssuedInvitation]:
    """Replace a lost invitation of an account with no password yet; the old one is void."""
    user = accounts.get_user(act.db, user_id)
    if user.password_hash:
        raise InvitationNotNeeded()
    return user, login.create_invitation(act.db, act.ctx, user=user, now=act.now)
