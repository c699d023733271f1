"""Window reminders: when they fall due, quiet hours, and cancellation."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.accounts.models import User
from app.notifications.models import Notification
from app.notifications.quiet_hours import outside_quiet_hours
from app.worker import still_wanted
from tests.entries.conftest import Team, iso
from tests.factories import make_admin

# hypothesis takes naive bounds and attaches the time zone itself.
NAIVE_FROM = datetime(2026, 1, 1)  # noqa: DTZ001
NAIVE_TO = datetime(2027, 12, 31)  # noqa: DTZ001
ZONES = [
    "UTC",
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Chatham",
]


@given(
    at=st.datetimes(min_value=NAIVE_FROM, max_value=NAIVE_TO, timezones=st.just(UTC)),
    zone=st.sampled_from(ZONES),
)
def test_quiet_hours_property(at: datetime, zone: str) -> None:
    out = outside_quiet_hours(at, zone)
    local_in, local_out = at.astimezone(ZoneInfo(zone)), out.astimezone(ZoneInfo(zone))
    assert out >= at
    assert 8 <= local_out.hour < 22
    assert out - at <= timedelta(hours=11)
    if 8 <= local_in.hour < 22:
        assert out == at
    else:
        assert (local_out.hour, local_out.minute) == (8, 0)


def test_quiet_hours_across_a_dst_change() -> None:
    # New York springs forward on 2026-03-08: 08:00 that morning is EDT (UTC-4).
    late = datetime(2026, 3, 8, 3, 30, tzinfo=UTC)  # 22:30 EST on the 7th
    assert outside_quiet_hours(late, "America/New_York") == datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
    # And falls back on 2026-11-01: 08:00 is EST (UTC-5).
    late = datetime(2026, 11, 1, 3, 30, tzinfo=UTC)  # 23:30 EDT on Oct 31
    assert outside_quiet_hours(late, "America/New_York") == datetime(2026, 11, 1, 13, 0, tzinfo=UTC)


def _reminders(db: Session, patient: User) -> dict[str, Notification]:
    db.expire_all()
    rows = db.exec(select(Notification).where(Notification.user_id == patient.id)).all()
    return {n.kind: n for n in rows}


def _set_tz(db: Session, team: Team, tz: str) -> None:
    patient = db.get(User, team.patient.id)
    assert patient is not None
    patient.timezone = tz
    db.add(patient)
    db.flush()


def test_window_opened_two_hours_after_and_closing_six_hours_before(
    team: Team, db: Session
) -> None:
    at = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 14:00 UTC, daytime in UTC
    team.clock.set(at)
    team.relogin()
    team.session(at)
    r = _reminders(db, team.patient)
    assert r["window_opened"].due_at == at + timedelta(hours=2)
    assert r["window_closing"].due_at == at + timedelta(hours=42)
    assert r["window_opened"].status == r["window_closing"].status == "pending"
    assert "journal" in r["window_opened"].body and r["window_opened"].data == {
        "session_id": r["window_opened"].data["session_id"]
    }


def test_the_closing_reminder_is_not_sent_once_something_is_written(
    team: Team, db: Session
) -> None:
    team.session(team.clock.now - timedelta(hours=1))
    closing = _reminders(db, team.patient)["window_closing"]
    opened = _reminders(db, team.patient)["window_opened"]
    assert closing.status == "pending" and still_wanted(db, closing)
    entry = team.write(team.clock.now)
    # Checked when it falls due: the write itself leaves the row alone.
    assert not still_wanted(db, closing)
    assert still_wanted(db, opened)
    headers = team.ph | {"If-Match": f'"v{entry["version"]}"'}
    assert team.client.delete(f"/v1/entries/{entry['id']}", headers=headers).status_code == 204
    # The only entry was deleted: nothing is written in the window any more.
    assert still_wanted(db, closing)


def test_a_reminder_in_quiet_hours_moves_to_eight_local(team: Team, db: Session) -> None:
    _set_tz(db, team, "America/New_York")
    at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 20:00 EST; +2 h = 22:00 EST, quiet
    team.clock.set(at)
    team.relogin()
    team.session(at)
    opened = _reminders(db, team.patient)["window_opened"]
    assert opened.due_at == datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # 08:00 EST next morning


def test_a_reminder_that_cannot_leave_quiet_hours_before_the_close_is_dropped(
    team: Team, db: Session
) -> None:
    _set_tz(db, team, "Europe/London")  # UTC in March
    first = datetime(2026, 3, 2, 20, 30, tzinfo=UTC)  # opened reminder due 22:30: quiet
    team.clock.set(first + timedelta(hours=2, minutes=30))
    team.relogin()
    first_id = team.session(first)
    key = f"window_opened:{first_id}"
    pending = db.exec(select(Notification).where(Notification.dedupe_key == key)).one()
    assert pending.status == "pending" and pending.due_at == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    # A second session at 23:00 closes the first window before 08:00: the reminder is dropped.
    team.session(first + timedelta(hours=2, minutes=30))
    db.expire_all()
    assert (
        db.exec(select(Notification).where(Notification.dedupe_key == key)).one().status
        == "cancelled"
    )


def test_moving_and_deleting_a_session_reschedules_and_cancels(team: Team, db: Session) -> None:
    at = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    team.clock.set(at)
    team.relogin()
    sid = team.session(at)
    team.client.patch(
        f"/v1/sessions/{sid}",
        json={"administered_at": iso(at - timedelta(hours=1))},
        headers=team.th,
    )
    assert _reminders(db, team.patient)["window_opened"].due_at == at + timedelta(hours=1)
    team.client.delete(f"/v1/sessions/{sid}", headers=team.th)
    r = _reminders(db, team.patient)
    assert r["window_opened"].status == r["window_closing"].status == "cancelled"


def test_a_session_moved_back_past_its_window_loses_its_reminders(team: Team, db: Session) -> None:
    sid = team.session(team.clock.now - timedelta(hours=1))
    assert _reminders(db, team.patient)["window_closing"].status == "pending"
    r = team.client.patch(
        f"/v1/sessions/{sid}",
        json={"administered_at": iso(team.clock.now - timedelta(days=3))},
        headers=team.th,
    )
    assert r.status_code == 200
    reminders = _reminders(db, team.patient)
    assert reminders["window_opened"].status == reminders["window_closing"].status == "cancelled"


def test_a_reminder_moved_out_of_quiet_hours_across_a_dst_change(team: Team, db: Session) -> None:
    # Berlin springs forward on 2026-03-29 at 02:00. A session at 20:30 CET on the
    # 28th: +2 h is 22:30 CET, quiet, so the reminder moves to 08:00 CEST = 06:00 UTC
    # (not 07:00, which counting hours in CET would give). The closing reminder is an
    # exact instant, 42 h after the session (15:30 CEST on the 30th), untouched.
    _set_tz(db, team, "Europe/Berlin")
    at = datetime(2026, 3, 28, 19, 30, tzinfo=UTC)
    team.clock.set(at)
    team.relogin()
    team.session(at)
    r = _reminders(db, team.patient)
    assert r["window_opened"].due_at == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert r["window_closing"].due_at == at + timedelta(hours=42)


def test_a_new_time_zone_moves_the_reminders_and_deactivation_cancels_them(
    team: Team, db: Session, login
) -> None:  # type: ignore[no-untyped-def]
    _set_tz(db, team, "America/New_York")
    at = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # +2 h = 17:00 in New York, 22:00 in London
    team.clock.set(at)
    team.relogin()
    team.session(at)
    assert _reminders(db, team.patient)["window_opened"].due_at == at + timedelta(hours=2)
    admin = login(make_admin(db))
    url = f"/v1/users/{team.patient.id}"
    r = team.client.patch(url, json={"timezone": "Europe/London"}, headers=admin)
    assert r.status_code == 200
    moved = _reminders(db, team.patient)["window_opened"]
    assert moved.due_at == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert team.client.patch(url, json={"is_active": False}, headers=admin).status_code == 200
    r2 = _reminders(db, team.patient)
    assert r2["window_opened"].status == r2["window_closing"].status == "cancelled"
