"""The housekeeping purges remove what has run out, and nothing younger (test clock)."""

import uuid
from datetime import timedelta

from sqlmodel import Session, func, select

from app.accounts.models import (
    DisplayNameReservation,
    Invitation,
    RefreshToken,
    SignIn,
    SpentMfaToken,
)
from app.audit.models import AuditEvent
from app.notifications.models import Notification, NotificationStatus
from app.retention import service
from tests.conftest import Clock
from tests.factories import make_patient, make_therapist


def _count(db: Session, model: type, *where: object) -> int:
    return int(db.exec(select(func.count()).select_from(model).where(*where)).one())  # type: ignore[call-overload]


def _sign_in(db: Session, user_id: uuid.UUID, created: object, revoked: object = None) -> SignIn:
    s = SignIn(user_id=user_id, created_at=created, revoked_at=revoked)
    db.add(s)
    db.flush()
    db.add(
        RefreshToken(
            sign_in_id=s.id,
            token_hash=uuid.uuid4().hex,
            created_at=created,
            expires_at=created + timedelta(days=30),  # type: ignore[operator]
        )
    )
    db.flush()
    return s


def test_ended_sign_ins_go_after_90_days_with_their_tokens(db: Session, clock: Clock) -> None:
    p = make_patient(db)
    now = clock.now
    old = _sign_in(db, p.id, now - timedelta(days=200), revoked=now - timedelta(days=91))
    recent = _sign_in(db, p.id, now - timedelta(days=100), revoked=now - timedelta(days=89))
    live = _sign_in(db, p.id, now - timedelta(days=10))
    assert service.prune_sign_ins(db, now=now, max_days=90) == 1
    db.expire_all()
    assert db.get(SignIn, old.id) is None
    assert db.get(SignIn, recent.id) is not None
    assert db.get(SignIn, live.id) is not None
    assert _count(db, RefreshToken, RefreshToken.sign_in_id == old.id) == 0


def test_a_sign_in_past_its_lifetime_goes_90_days_later(db: Session, clock: Clock) -> None:
    p = make_patient(db)
    s = _sign_in(db, p.id, clock.now - timedelta(days=90 + 91))
    assert service.prune_sign_ins(db, now=clock.now, max_days=90) == 1
    db.expire_all()
    assert db.get(SignIn, s.id) is None


def test_invitations_go_30_days_after_they_ended(db: Session, clock: Clock) -> None:
    p = make_patient(db)
    now = clock.now
    for days in (31, 29):
        db.add(
            Invitation(
                user_id=p.id,
                token_hash=uuid.uuid4().hex,
                created_at=now - timedelta(days=40),
                expires_at=now - timedelta(days=days),
            )
        )
    db.flush()
    assert service.prune_invitations(db, now=now) == 1
    assert _count(db, Invitation, Invitation.user_id == p.id) == 1


def test_the_outbox_keeps_pending_and_recent_notifications(db: Session, clock: Clock) -> None:
    p = make_patient(db)
    now = clock.now

    def note(status: NotificationStatus, age_days: int) -> None:
        at = now - timedelta(days=age_days)
        db.add(
            Notification(
                user_id=p.id,
                kind="window_opened",
                dedupe_key=uuid.uuid4().hex,
                title="t",
                body="b",
                data={},
                status=status,
                due_at=at,
                created_at=at,
                updated_at=at,
            )
        )

    note(NotificationStatus.sent, 91)
    note(NotificationStatus.dead, 91)
    note(NotificationStatus.sent, 10)
    note(NotificationStatus.pending, 200)
    db.flush()
    assert service.prune_outbox(db, now=now) == 2
    assert _count(db, Notification, Notification.user_id == p.id) == 2


def test_audit_rows_go_only_after_the_audit_retention(db: Session, clock: Clock) -> None:
    p = make_patient(db)
    now = clock.now
    for days in (365 * 7 + 10, 365 * 7 - 10):
        db.add(
            AuditEvent(
                occurred_at=now - timedelta(days=days),
                actor_role="therapist",
                action="entry.read",
                patient_id=p.id,
                resource_type="entry",
            )
        )
    db.flush()
    assert service.purge_audit(db, now=now, years=7) == 1
    assert _count(db, AuditEvent, AuditEvent.patient_id == p.id) == 1


def test_spent_mfa_tokens_and_given_up_names_go_when_they_have_run_out(
    db: Session, clock: Clock
) -> None:
    t = make_therapist(db)
    now = clock.now
    db.add(SpentMfaToken(jti="a" * 32, expires_at=now - timedelta(minutes=1)))
    db.add(SpentMfaToken(jti="b" * 32, expires_at=now + timedelta(minutes=4)))
    for days in (91, 89):
        db.add(
            DisplayNameReservation(
                skeleton=f"dr-{days}", user_id=t.id, released_at=now - timedelta(days=days)
            )
        )
    db.flush()
    assert service.prune_account_leftovers(db, now=now) == 2
    db.expire_all()
    assert [s.jti for s in db.exec(select(SpentMfaToken)).all()] == ["b" * 32]
    assert [r.skeleton for r in db.exec(select(DisplayNameReservation)).all()] == ["dr-89"]
