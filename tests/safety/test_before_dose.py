"""Every flag is acknowledged before the next dose or the integration session, whichever
comes first: the next dose is refused while one is open, and the queue and the clinic
show each flag's deadline."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from app.core.config import Settings
from tests.clinic.conftest import Browser, browser  # noqa: F401  (the fixture)
from tests.entries.conftest import Team, iso
from tests.questionnaires.conftest import answer, phq9

PASSIVE = "I wish I could fall asleep and never wake up."
PLAN = "I bought a rope yesterday."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"allow_self_reported_sessions": True})


def _dose(team: Team, at_hours: float = 0, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return team.client.post(
        f"/v1/patients/{team.patient.id}/sessions",
        json={"administered_at": iso(team.clock.now + timedelta(hours=at_hours)), "route": "im"},
        headers=headers or team.th,
    )


def _acknowledge(team: Team, flag_id: str) -> None:
    r = team.client.post(
        f"/v1/safety-flags/{flag_id}/acknowledge",
        json={"outcome": "contacted_patient"},
        headers=team.th,
    )
    assert r.status_code == 200, r.text


def _queue_flags(team: Team) -> list[dict[str, object]]:
    items = team.client.get("/v1/therapist/queue", headers=team.th).json()["items"]
    return [f for i in items for f in i["safety_flags"]]


@pytest.mark.parametrize("text", [PASSIVE, PLAN])
def test_the_next_dose_is_refused_while_a_flag_is_open(team: Team, text: str) -> None:
    flag_id = team.write(team.clock.now, body=text)["safety"]["flag_id"]
    r = _dose(team)
    assert r.status_code == 409, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert (r.json()["code"], r.json()["flag_ids"]) == ("unacknowledged_safety_flags", [flag_id])
    listed = team.client.get(f"/v1/patients/{team.patient.id}/sessions", headers=team.th)
    assert listed.json() == []
    _acknowledge(team, flag_id)
    assert _dose(team).status_code == 201


def test_every_open_flag_is_named_oldest_first(team: Team) -> None:
    first = team.write(team.clock.now, body=PASSIVE)["safety"]["flag_id"]
    team.clock.advance(minutes=1)
    team.relogin()
    second = answer(team, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 2), team.clock.now)["safety"]
    r = _dose(team)
    assert r.status_code == 409
    assert r.json()["flag_ids"] == [first, *second["flag_ids"]]
    _acknowledge(team, first)
    r = _dose(team)
    assert (r.status_code, r.json()["flag_ids"]) == (409, second["flag_ids"])


def test_a_dose_recorded_late_from_before_the_flag_is_not_refused(team: Team) -> None:
    team.write(team.clock.now, body=PASSIVE)
    assert _dose(team, at_hours=-3).status_code == 201
    assert _dose(team, at_hours=0).status_code == 409


def test_a_patients_own_report_of_a_dose_is_never_refused(team: Team) -> None:
    flag_id = team.write(team.clock.now, body=PASSIVE)["safety"]["flag_id"]
    assert _dose(team, headers=team.ph).status_code == 201
    # The flag still waits, now with the dose behind it.
    assert [f["id"] for f in _queue_flags(team)] == [flag_id]


def test_the_queue_gives_each_flag_its_deadline(team: Team) -> None:
    session_id = team.session(team.clock.now - timedelta(hours=20))
    flag_id = team.write(team.clock.now, body=PASSIVE)["safety"]["flag_id"]
    [flag] = _queue_flags(team)
    assert (flag["acknowledge_before"], flag["acknowledge_by"], flag["overdue"]) == (
        "next_dose",
        None,
        False,
    )
    at = team.clock.now + timedelta(hours=6)
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/integration-sessions",
        json={"session_id": session_id, "scheduled_at": iso(at)},
        headers=team.th,
    )
    assert r.status_code == 201, r.text
    [flag] = _queue_flags(team)
    assert flag["id"] == flag_id
    assert (flag["acknowledge_before"], flag["acknowledge_by"], flag["overdue"]) == (
        "integration_session",
        iso(at).replace("+00:00", "Z"),
        False,
    )
    team.clock.advance(hours=7)
    team.relogin()
    [flag] = _queue_flags(team)
    assert flag["overdue"] is True


def test_the_clinic_shows_the_deadline(
    team: Team,
    db: Session,
    browser: Browser,  # noqa: F811
) -> None:
    session_id = team.session(team.clock.now - timedelta(hours=20))
    team.write(team.clock.now, body=PASSIVE)
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert "Acknowledge before the next dose" in page
    assert "acknowledge before the next dose" in browser.get("/clinic/").text
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/integration-sessions",
        json={"session_id": session_id, "scheduled_at": iso(team.clock.now + timedelta(hours=6))},
        headers=team.th,
    )
    assert r.status_code == 201, r.text
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert "before the integration session." in page
    assert "acknowledge by" in browser.get("/clinic/").text
