"""The Patients page: the whole caseload, searched and sorted; an admin sees names only."""

from sqlmodel import Session

from app.accounts.models import User
from tests.clinic.conftest import Browser
from tests.entries.conftest import Team
from tests.factories import make_patient


def test_a_therapist_sees_and_searches_the_whole_caseload(
    team: Team, browser: Browser, db: Session
) -> None:
    other = make_patient(db)
    other_email = other.email
    browser.sign_in(team.therapist)
    page = browser.get("/clinic/patients").text
    assert team.patient.display_name in page  # not in the queue: nothing to do today
    assert other_email not in page  # not on this therapist's care team
    assert 'label for="q">Search patients' in page
    found = browser.get("/clinic/patients", params={"q": team.patient.display_name[:3]}).text
    assert f"/clinic/patients/{team.patient.id}" in found
    none = browser.get("/clinic/patients", params={"q": "no such name"}).text
    assert "0 patients" in none


def test_an_admin_sees_every_patient_by_name_only(
    team: Team, browser: Browser, admin: User
) -> None:
    team.write(team.clock.now, body="A private line about the lake.")
    browser.sign_in(admin)
    page = browser.get("/clinic/patients", params={"sort": "flags"}).text
    assert team.patient.display_name in page
    assert "the lake" not in page
    assert f"/clinic/patients/{team.patient.id}" not in page  # no link to a record
