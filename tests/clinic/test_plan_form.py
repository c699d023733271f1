"""The therapist writes the safety plan with the patient in the clinic, with the version
read: a plan the patient changed meanwhile is not overwritten, and nothing typed is lost."""

from sqlmodel import Session

from app.safety.schemas import PLAN_EXAMPLE
from tests.clinic.conftest import Browser
from tests.entries.conftest import Team

FORM = {
    "warning_signs": "I stop answering messages\nI can't sleep",
    "coping_strategies": "Walk around the block",
    "people_to_ask_for_help": "Maya (sister): 555-0100",
    "reasons_for_living": "My dog",
}


def _plan(team: Team) -> dict:  # type: ignore[type-arg]
    r = team.client.get("/v1/me/safety-plan", headers=team.ph)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_a_therapist_writes_the_plan_and_the_patient_sees_it(
    team: Team, browser: Browser, db: Session
) -> None:
    browser.sign_in(team.therapist)
    r = browser.post(f"/clinic/patients/{team.patient.id}/safety-plan", FORM | {"version": ""})
    assert r.status_code == 303, r.text
    plan = _plan(team)
    assert plan["warning_signs"] == ["I stop answering messages", "I can't sleep"]
    assert plan["people_to_ask_for_help"] == [{"name": "Maya (sister)", "contact": "555-0100"}]
    assert plan["updated_by_role"] == "therapist" and plan["version"] == 1
    page = browser.get(r.headers["location"]).text
    assert "Safety plan saved." in page and "Maya (sister): 555-0100" in page


def test_a_plan_changed_meanwhile_is_not_overwritten_and_the_text_is_kept(
    team: Team, browser: Browser
) -> None:
    r = team.client.put("/v1/me/safety-plan", json=PLAN_EXAMPLE, headers=team.ph)
    assert r.status_code in (200, 201), r.text
    browser.sign_in(team.therapist)
    # The therapist read version 1; the patient saves version 2 meanwhile.
    changed = PLAN_EXAMPLE | {"reasons_for_living": ["My niece"]}
    r = team.client.put("/v1/me/safety-plan", json=changed, headers=team.ph | {"If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    r = browser.post(f"/clinic/patients/{team.patient.id}/safety-plan", FORM | {"version": "1"})
    assert r.status_code == 409
    assert "The plan changed while you were writing" in r.text
    assert "My dog</textarea>" in r.text  # what was typed is still there
    assert _plan(team)["reasons_for_living"] == ["My niece"]  # nothing overwritten


def test_a_refused_plan_says_why_beside_the_form(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    too_many = "\n".join(f"sign {i}" for i in range(60))
    r = browser.post(
        f"/clinic/patients/{team.patient.id}/safety-plan",
        {"warning_signs": too_many, "version": ""},
    )
    assert r.status_code == 422
    assert 'role="alert" id="plan-err"' in r.text and "sign 59" in r.text
