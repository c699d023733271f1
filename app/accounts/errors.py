"""The accounts domain's problems."""

from app.core.errors import Conflict


class InvitationNotNeeded(
    Conflict,
    code="invitation_not_needed",
    title="This account has set its password; it has no use for an invitation",
): ...
