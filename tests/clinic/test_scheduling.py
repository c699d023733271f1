"""Scheduling in the clinic: a time in the past or before the dose is refused beside the
field with what was typed kept; a scheduled session comes as a calendar file."""

from datetime import timedelta

from sqlmodel import Session, select

from app.integration.models import IntegrationSession
from tests.clinic.conftest import Browser
from tests.entries.conftest import Team


def local_time(value: object) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")  # type: ignore[attr-defined]


def test_a_past_time_is_refused_beside_the_field(team: Team, browser: Browser, db: Session) -> None:
    at = team.clock.now - timedelta(hours=30)
    sid = team.session(at)
    browser.sign_in(team.therapist)
    url = f"/clinic/patients/{team.patient.id}/integration-sessions"
    for typed, says in (
        (local_time(team.clock.now - timedelta(hours=1)), "cannot be scheduled in the past"),
    ):
        r = browser.post(url, {"session_id": sid, "scheduled_at": typed})
        assert r.status_code == 422
        assert says in r.text
        assert f'value="{typed}"' in r.text  # what was typed is kept
        assert 'class="field-error"' in r.text
    assert db.exec(select(IntegrationSession)).all() == []


def test_the_schedule_form_never_suggests_a_past_time(team: Team, browser: Browser) -> None:
    team.session(team.clock.now - timedelta(hours=30))  # the range began 6 hours ago
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    past = local_time(team.clock.now - timedelta(hours=6))
    assert f'value="{past}"' not in page


def test_an_integration_session_comes_as_a_calendar_file(
    team: Team, browser: Browser, db: Session
) -> None:
    sid = team.session(team.clock.now - timedelta(hours=3))
    browser.sign_in(team.therapist)
    when = team.clock.now + timedelta(hours=22)
    r = browser.post(
        f"/clinic/patients/{team.patient.id}/integration-sessions",
        {"session_id": sid, "scheduled_at": local_time(when)},
    )
    assert r.status_code == 303
    page = browser.get(r.headers["location"]).text
    assert "Integration session scheduled." in page
    item = db.exec(select(IntegrationSession)).one()
    ics = browser.get(
        f"/clinic/patients/{team.patient.id}/integration-sessions/{item.id}/calendar.ics"
    )
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text
    assert f"DTSTART:{item.scheduled_at.strftime('%Y%m%dT%H%M%SZ')}" in ics.text
    assert "\r\n" in ics.text


def test_another_therapists_calendar_file_is_not_found(
    team: Team, browser: Browser, db: Session
) -> None:
    from tests.factories import make_therapist

    sid = team.session(team.clock.now - timedelta(hours=3))
    team.client.post(
        f"/v1/patients/{team.patient.id}/integration-sessions",
        json={
            "session_id": sid,
            "scheduled_at": (team.clock.now + timedelta(hours=22)).isoformat(),
        },
        headers=team.th,
    )
    item = db.exec(select(IntegrationSession)).one()
    browser.sign_in(make_therapist(db))
    url = f"/clinic/patients/{team.patient.id}/integration-sessions/{item.id}/calendar.ics"
    assert browser.get(url).status_code == 404
