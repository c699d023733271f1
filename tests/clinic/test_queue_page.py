"""The queue page narrowed to one kind of need and ordered as the therapist asks."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.clinic.conftest import Browser
from tests.conftest import Clock
from tests.entries.conftest import Team
from tests.factories import make_patient, make_therapist


def _rows(page: str) -> list[str]:
    """The patients' names, in the order the queue lists them."""
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return [chunk.split("</a>")[0].split(">")[-1] for chunk in body.split('<th scope="row">')[1:]]


def test_the_queue_is_filtered_and_sorted_on_request(
    browser: Browser,
    client: TestClient,
    db: Session,
    clock: Clock,
    login,  # type: ignore[no-untyped-def]
) -> None:
    zoe, adam = make_patient(db, display_name="Zoe"), make_patient(db, display_name="Adam")
    therapist = make_therapist(db, patients=(zoe, adam))
    th = login(therapist)
    at = clock.now - timedelta(hours=26)
    flagged_team = Team(client, zoe, therapist, login(zoe), th, clock, login)
    flagged_team.session(at)
    flagged_team.write(at + timedelta(hours=2), body="I want to die")
    busy = Team(client, adam, therapist, login(adam), th, clock, login)
    busy.session(at)
    busy.write(at + timedelta(hours=1), body="A quiet walk.")
    busy.write(at + timedelta(hours=3), body="Tea with my sister.")
    browser.sign_in(therapist)
    everyone = browser.get("/clinic/").text
    assert _rows(everyone) == ["Zoe", "Adam"]  # flagged first
    assert "2 patients of 2." in everyone
    flagged = browser.get("/clinic/?show=flagged").text
    assert _rows(flagged) == ["Zoe"] and "1 patient of 2." in flagged
    assert '<option value="flagged" selected>' in flagged
    assert _rows(browser.get("/clinic/?sort=unreviewed").text) == ["Adam", "Zoe"]
    assert _rows(browser.get("/clinic/?sort=name").text) == ["Adam", "Zoe"]
    assert _rows(browser.get("/clinic/?show=window_open").text) == ["Zoe", "Adam"]
    missed = browser.get("/clinic/?show=questionnaires").text
    assert len(_rows(missed)) == missed.count("Missed: ")  # only rows with a missed one
    # A choice the page does not offer falls back to the default, never an error.
    odd = browser.get("/clinic/?show=<script>&sort=nope")
    assert odd.status_code == 200 and _rows(odd.text) == ["Zoe", "Adam"]
