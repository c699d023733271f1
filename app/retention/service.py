"""The housekeeping purges: rows whose retention has run out are deleted.

Each function flushes in the caller's transaction and answers how many rows went;
`jobs.py` gives each its own transaction in the worker.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from app.accounts.models import (
    DisplayNameReservation,
    Invitation,
    RefreshToken,
    SignIn,
    SpentMfaToken,
)
from app.accounts.service import NAME_RESERVED_FOR
from app.audit.models import AuditEvent
from app.notifications.models import (
    Notification,
    NotificationAttempt,
    NotificationDelivery,
    NotificationStatus,
)

SIGN_IN_DAYS = 90
INVITATION_DAYS = 30
OUTBOX_DAYS = 90
DONE = (NotificationStatus.sent, NotificationStatus.cancelled, NotificationStatus.dead)


def years_before(now: datetime, years: int) -> datetime:
    """A year is 365.25 days: close enough for retention, and never a day short."""
    return now - timedelta(days=365.25 * years)


def prune_sign_ins(db: Session, *, now: datetime, max_days: int) -> int:
    """Sign-ins that ended (revoked, or past their absolute lifetime) 90 days ago."""
    cutoff = now - timedelta(days=SIGN_IN_DAYS)
    ended = or_(
        col(SignIn.revoked_at) < cutoff,
        col(SignIn.created_at) < cutoff - timedelta(days=max_days),
    )
    ids = select(col(SignIn.id)).where(ended)
    db.execute(delete(RefreshToken).where(col(RefreshToken.sign_in_id).in_(ids)))
    gone = db.execute(delete(SignIn).where(ended))
    return int(gone.rowcount)  # type: ignore[attr-defined]


def prune_invitations(db: Session, *, now: datetime) -> int:
    cutoff = now - timedelta(days=INVITATION_DAYS)
    ended = or_(
        col(Invitation.used_at) < cutoff,
        col(Invitation.voided_at) < cutoff,
        col(Invitation.expires_at) < cutoff,
    )
    return int(db.execute(delete(Invitation).where(ended)).rowcount)  # type: ignore[attr-defined]


def prune_account_leftovers(db: Session, *, now: datetime) -> int:
    """Spent MFA tokens once they would have expired anyway; names given up once their
    reservation has run out."""
    spent = db.execute(delete(SpentMfaToken).where(col(SpentMfaToken.expires_at) < now))
    held = db.execute(
        delete(DisplayNameReservation).where(
            col(DisplayNameReservation.released_at) < now - NAME_RESERVED_FOR
        )
    )
    return int(spent.rowcount) + int(held.rowcount)  # type: ignore[attr-defined]


def delete_notifications(db: Session, where: ColumnElement[bool]) -> int:
    ids = select(col(Notification.id)).where(where)
    db.execute(delete(NotificationAttempt).where(col(NotificationAttempt.notification_id).in_(ids)))
    db.execute(
        delete(NotificationDelivery).where(col(NotificationDelivery.notification_id).in_(ids))
    )
    return int(db.execute(delete(Notification).where(where)).rowcount)  # type: ignore[attr-defined]


def prune_outbox(db: Session, *, now: datetime) -> int:
    """Notifications done with (sent, cancelled or given up) 90 days ago."""
    cutoff = now - timedelta(days=OUTBOX_DAYS)
    done = and_(col(Notification.status).in_(DONE), col(Notification.updated_at) < cutoff)
    return delete_notifications(db, done)


def purge_audit(db: Session, *, now: datetime, years: int) -> int:
    """Audit rows past the audit trail's retention; nothing else may delete them.

    On PostgreSQL the append-only trigger lets a delete through only for rows older
    than the purge horizon this transaction declares (migration 27).
    """
    cutoff = years_before(now, years)
    if db.get_bind().dialect.name == "postgresql":
        db.execute(
            text("SELECT set_config('kapj.audit_purge_before', :c, true)"),
            {"c": cutoff.isoformat()},
        )
    gone = db.execute(delete(AuditEvent).where(col(AuditEvent.occurred_at) < cutoff))
    return int(gone.rowcount)  # type: ignore[attr-defined]
