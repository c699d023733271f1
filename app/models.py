"""Every table module, imported so Alembic and the tests see the whole metadata."""

from app.accounts.models import AuthSession, CareTeamMember, RefreshToken, User
from app.audit.models import AuditEvent
from app.core import db as _db  # noqa: F401  (naming convention first)

__all__ = ["AuditEvent", "AuthSession", "CareTeamMember", "RefreshToken", "User"]
