"""The queue and the patient page learn of a new safety flag without a reload, and the
polling neither keeps the sign-in alive nor writes audit rows."""

from datetime import timedelta

from sqlmodel import Session, func, select

from app.audit.models import AuditEvent
from app.clinic.auth import COOKIE
from tests.clinic.conftest import Browser
from tests.entries.conftest import Team
from tests.factories import make_therapist


def _mark(page: str) -> str:
    return page.split("/live/flags?mark=")[1].split('"')[0].split("&")[0]


def test_a_new_flag_is_announced_to_an_open_page(team: Team, browser: Browser, db: Session) -> None:
    at = team.clock.now - timedelta(hours=26)
    team.session(at)
    browser.sign_in(team.therapist)
    for path in ("/clinic/", f"/clinic/patients/{team.patient.id}"):
        page = browser.get(path).text
        mark = _mark(page)
        quiet = browser.get(f"/clinic/live/flags?mark={mark}&patient_id={team.patient.id}")
        assert quiet.status_code == 200 and "have changed" not in quiet.text
    audited = db.exec(select(func.count()).select_from(AuditEvent)).one()
    team.write(at + timedelta(hours=2), body="I want to die")
    polled = browser.get(f"/clinic/live/flags?mark={mark}&patient_id={team.patient.id}")
    assert "Safety flags have changed since this page was loaded." in polled.text
    assert COOKIE not in polled.headers.get("set-cookie", "")  # the idle timer is not renewed
    db.expire_all()
    # Only the entry's write was audited meanwhile, not the polls.
    assert db.exec(select(func.count()).select_from(AuditEvent)).one() == audited


def test_a_patient_not_in_the_callers_care_tells_nothing(
    team: Team, browser: Browser, db: Session
) -> None:
    at = team.clock.now - timedelta(hours=26)
    team.session(at)
    team.write(at + timedelta(hours=2), body="I want to die")
    stranger = make_therapist(db)
    browser.sign_in(stranger)
    polled = browser.get(f"/clinic/live/flags?mark=0-0&patient_id={team.patient.id}")
    assert polled.status_code == 200 and "have changed" not in polled.text
