"""The clinic on the real features: flag outcomes, the safety plan, scores, questionnaires,
invitations and the second factor, through the same services and audit as /v1."""

from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from app.accounts.models import SignIn, User
from app.audit.models import AuditEvent
from app.clinic.auth import COOKIE
from app.questionnaires.models import QuestionnaireAssignment
from app.safety.models import SafetyFlag
from app.safety.schemas import PLAN_EXAMPLE
from app.safety.screening.model import RULE_ID as MODEL_RULE
from tests.clinic.conftest import Browser, csrf_of, flagged
from tests.conftest import Clock
from tests.entries.conftest import Team, iso
from tests.factories import make_therapist


def _phq9(team: Team, value: int, at: Any) -> None:
    answers = {f"phq9_{i}": value for i in range(1, 9)} | {"phq9_9": 0}
    r = team.client.post(
        "/v1/questionnaire-responses",
        json={"code": "phq9", "answers": answers, "answered_at": iso(at)},
        headers=team.ph,
    )
    assert r.status_code == 201, r.text


def _actions(db: Session, actor: User) -> list[str]:
    rows = db.exec(select(AuditEvent).where(AuditEvent.actor_id == actor.id)).all()
    return [e.action for e in rows]


def test_acknowledging_records_the_outcome_and_the_note(
    team: Team, browser: Browser, db: Session
) -> None:
    flag = flagged(team, db)
    browser.sign_in(team.therapist)
    r = browser.post(
        f"/clinic/flags/{flag.id}/acknowledge",
        {"outcome": "contacted_patient", "note": "Called; safe at home."},
    )
    assert r.status_code == 303
    api = team.client.get("/v1/safety-flags?status=acknowledged", headers=team.th).json()
    assert api["items"][0]["outcome"] == "contacted_patient"
    assert api["items"][0]["note"] == "Called; safe at home."
    assert "safety_flag.acknowledge" in _actions(db, team.therapist)


def test_the_acknowledge_form_offers_the_apis_outcomes(
    team: Team, browser: Browser, db: Session
) -> None:
    flagged(team, db)
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    for outcome in (
        "contacted_patient",
        "safety_plan_reviewed",
        "emergency_services",
        "no_risk_found",
        "other",
    ):
        assert f'value="{outcome}"' in page
    assert 'value="seen"' not in page


def test_a_flag_acknowledged_twice_is_refused(team: Team, browser: Browser, db: Session) -> None:
    flag = flagged(team, db)
    browser.sign_in(team.therapist)
    data = {"outcome": "no_risk_found"}
    assert browser.post(f"/clinic/flags/{flag.id}/acknowledge", data).status_code == 303
    assert browser.post(f"/clinic/flags/{flag.id}/acknowledge", data).status_code == 409


def test_a_flag_shows_its_reason_but_never_a_private_text(
    team: Team, browser: Browser, db: Session
) -> None:
    flag = flagged(team, db, shared_with_care_team=False)
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert "Reason: The entry suggested thoughts of suicide" in page
    assert flag.category == "ideation"
    assert flag.rule and flag.rule not in page  # a rule id means nothing to a clinician
    assert "I want to die" not in page


def test_a_flag_raised_by_the_model_says_so_in_words(
    team: Team, browser: Browser, db: Session
) -> None:
    team.write(team.clock.now, body="everyone will be fine once I'm not around to ruin things")
    assert db.exec(select(SafetyFlag)).one().rule == MODEL_RULE
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert "found by the screen&#39;s model" in page
    assert "model v1" not in page


def test_another_therapists_flag_answers_404(team: Team, browser: Browser, db: Session) -> None:
    flag = flagged(team, db)
    browser.sign_in(make_therapist(db))
    r = browser.post(f"/clinic/flags/{flag.id}/acknowledge", {"outcome": "other"})
    assert r.status_code == 404


def test_the_patient_page_shows_the_safety_plan_and_audits_the_read(
    team: Team, browser: Browser, db: Session
) -> None:
    r = team.client.put("/v1/me/safety-plan", json=PLAN_EXAMPLE, headers=team.ph)
    assert r.status_code in (200, 201), r.text
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert "Maya keeps my medication" in page and "Maya (sister): 555-0100" in page
    assert "safety_plan.read" in _actions(db, team.therapist)


def test_the_printable_prep_has_scores_with_bands_the_plan_and_who_printed_it(
    team: Team, browser: Browser, db: Session
) -> None:
    at = team.clock.now - timedelta(hours=30)
    _phq9(team, 2, at - timedelta(days=3))  # baseline: 16, moderately severe
    sid = team.session(at)
    _phq9(team, 1, at + timedelta(hours=25))  # in the window: 8, mild
    r = team.client.put("/v1/me/safety-plan", json=PLAN_EXAMPLE, headers=team.ph)
    assert r.status_code in (200, 201), r.text
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}/sessions/{sid}/summary").text
    row = page[page.index('<th scope="row">PHQ-9</th>') :].split("</tr>")[0]
    assert "16 (moderately severe)" in row and "8 (mild)" in row
    assert "Maya (sister): 555-0100" in page  # the safety plan
    assert "kap-journal clinic · prepared for " + team.therapist.display_name in page
    assert '<button type="button" data-print>Print</button>' in page
    assert "safety_plan.read" in _actions(db, team.therapist)


def test_the_patient_page_charts_phq9_scores(team: Team, browser: Browser, db: Session) -> None:
    _phq9(team, 2, team.clock.now - timedelta(days=14))
    _phq9(team, 1, team.clock.now - timedelta(days=1))
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert '<title id="phq9-title">PHQ-9 (0 to 27)</title>' in page
    assert "2 PHQ-9 readings" in page
    assert "questionnaire_scores.read" in _actions(db, team.therapist)


def test_the_queue_shows_the_latest_phq9_band(team: Team, browser: Browser) -> None:
    team.session(team.clock.now - timedelta(hours=26))
    _phq9(team, 2, team.clock.now - timedelta(hours=1))
    browser.sign_in(team.therapist)
    page = browser.get("/clinic/").text
    assert "Latest PHQ-9" in page
    assert "16, moderately severe" in page


def test_assigning_a_questionnaire_asks_the_patient(
    team: Team, browser: Browser, db: Session
) -> None:
    browser.sign_in(team.therapist)
    r = browser.post(f"/clinic/patients/{team.patient.id}/questionnaires", {"code": "gad7"})
    assert r.status_code == 303
    assert db.exec(select(QuestionnaireAssignment)).one().code == "gad7"
    due = team.client.get("/v1/me/questionnaires/due", headers=team.ph).json()
    assert "gad7" in str(due)
    assert "questionnaire.assign" in _actions(db, team.therapist)


def test_an_unknown_questionnaire_is_refused(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    r = browser.post(f"/clinic/patients/{team.patient.id}/questionnaires", {"code": "nope"})
    assert r.status_code == 422


def test_creating_an_account_shows_its_invitation_once(
    browser: Browser, admin: User, db: Session, client: Any
) -> None:
    browser.sign_in(admin)
    r = browser.post(
        "/clinic/admin/users",
        {"email": "lee@example.org", "display_name": "Dr. Lee", "role": "therapist"},
    )
    assert r.status_code == 201
    token = r.text.split('id="invite-token" readonly value="')[1].split('"')[0]
    assert token not in browser.get("/clinic/admin/users").text
    accepted = client.post(
        "/v1/auth/invitation", json={"token": token, "password": "a phrase only Lee knows"}
    )
    assert accepted.status_code == 200, accepted.text


def test_a_new_invitation_voids_the_old_one(
    browser: Browser, admin: User, db: Session, client: Any
) -> None:
    browser.sign_in(admin)
    r = browser.post(
        "/clinic/admin/users",
        {"email": "lee@example.org", "display_name": "Dr. Lee", "role": "therapist"},
    )
    old = r.text.split('id="invite-token" readonly value="')[1].split('"')[0]
    lee = db.exec(select(User).where(User.email == "lee@example.org")).one()
    again = browser.post(f"/clinic/admin/users/{lee.id}/invitation")
    assert again.status_code == 201
    new = again.text.split('id="invite-token" readonly value="')[1].split('"')[0]
    assert new != old
    body = {"token": old, "password": "a phrase only Lee knows"}
    assert client.post("/v1/auth/invitation", json=body).status_code != 200
    body["token"] = new
    assert client.post("/v1/auth/invitation", json=body).status_code == 200


def test_an_account_with_a_password_gets_no_new_invitation(
    team: Team, browser: Browser, admin: User
) -> None:
    browser.sign_in(admin)
    assert browser.post(f"/clinic/admin/users/{team.therapist.id}/invitation").status_code == 409


def _enrol(team: Team, user_headers: dict[str, str]) -> str:
    r = team.client.post("/v1/me/mfa/totp", headers=user_headers)
    secret = str(r.json()["secret"])
    code = pyotp.TOTP(secret).at(team.clock.now)
    r = team.client.post("/v1/me/mfa/totp/confirm", json={"code": code}, headers=user_headers)
    assert r.status_code == 200, r.text
    return secret


def _mfa_page(browser: Browser, user: User) -> tuple[str, str]:
    r = browser.sign_in(user)
    assert r.status_code == 200
    assert "Authentication code" in r.text and ">Verify</button>" in r.text
    assert COOKIE not in browser.client.cookies
    token = r.text.split('name="mfa_token" value="')[1].split('"')[0]
    return token, csrf_of(r.text)


def test_an_enrolled_therapist_is_asked_for_the_code(team: Team, browser: Browser) -> None:
    _enrol(team, team.th)
    token, csrf = _mfa_page(browser, team.therapist)
    wrong = browser.client.post(
        "/clinic/login/verify", data={"mfa_token": token, "code": "000000", "csrf_token": csrf}
    )
    assert wrong.status_code == 401
    assert "The code is wrong" in wrong.text
    assert COOKIE not in browser.client.cookies


def test_a_valid_code_signs_in(team: Team, browser: Browser) -> None:
    secret = _enrol(team, team.th)
    token, csrf = _mfa_page(browser, team.therapist)
    team.clock.advance(seconds=30)
    code = pyotp.TOTP(secret).at(team.clock.now)
    ok = browser.client.post(
        "/clinic/login/verify",
        data={"mfa_token": token, "code": code, "csrf_token": csrf},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert browser.get("/clinic/").status_code == 200


def _live(db: Session, user: User) -> int:
    db.expire_all()
    rows = db.exec(
        select(SignIn).where(SignIn.user_id == user.id, col(SignIn.revoked_at).is_(None))
    ).all()
    return len(rows)


@pytest.fixture
def strict(app: FastAPI) -> FastAPI:
    app.state.ctx.settings.require_staff_mfa = True
    return app


def test_required_mfa_asks_staff_without_it_to_enrol_first(
    strict: FastAPI, team: Team, browser: Browser, db: Session, clock: Clock
) -> None:
    before = _live(db, team.therapist)
    r = browser.sign_in(team.therapist)
    assert r.status_code == 200
    assert "Set up an authenticator app" in r.text
    assert COOKIE not in browser.client.cookies
    assert _live(db, team.therapist) == before
    secret = r.text.split("Key: <code>")[1].split("<")[0]
    token = r.text.split('name="mfa_token" value="')[1].split('"')[0]
    done = browser.client.post(
        "/clinic/login/enrol",
        data={
            "mfa_token": token,
            "code": pyotp.TOTP(secret).at(clock.now),
            "csrf_token": csrf_of(r.text),
        },
    )
    assert done.status_code == 200
    assert "Recovery codes" in done.text
    assert browser.get("/clinic/").status_code == 200


def test_required_mfa_ends_a_clinic_session_without_it(
    app: FastAPI, team: Team, browser: Browser
) -> None:
    browser.sign_in(team.therapist)
    assert browser.get("/clinic/").status_code == 200
    app.state.ctx.settings.require_staff_mfa = True
    assert browser.get("/clinic/", follow_redirects=False).status_code == 303


def _invite(browser: Browser, role: str) -> str:
    r = browser.post(
        "/clinic/admin/users",
        {"email": f"new-{role}@example.org", "display_name": "New", "role": role},
    )
    return r.text.split('id="invite-token" readonly value="')[1].split('"')[0]


NEW_PASSWORD = "a phrase only Lee knows"


def _accept(browser: Browser, token: str) -> Any:
    page = browser.client.get("/clinic/invitation")
    return browser.client.post(
        "/clinic/invitation",
        data={"token": token, "password": NEW_PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


def test_a_therapist_sets_a_password_with_the_invitation_and_is_signed_in(
    browser: Browser, admin: User
) -> None:
    browser.sign_in(admin)
    token = _invite(browser, "therapist")
    browser.client.cookies.clear()
    r = _accept(browser, token)
    assert r.status_code == 303
    assert browser.get("/clinic/").status_code == 200


def test_a_patients_invitation_sets_the_password_without_a_clinic_session(
    browser: Browser, admin: User
) -> None:
    browser.sign_in(admin)
    token = _invite(browser, "patient")
    browser.client.cookies.clear()
    r = _accept(browser, token)
    assert r.status_code == 200 and "Password set" in r.text
    assert COOKIE not in browser.client.cookies


def test_an_unknown_invitation_is_refused_on_the_form(browser: Browser) -> None:
    r = _accept(browser, "not-a-token")
    assert r.status_code == 404
    assert "Set your password" in r.text


def test_the_patient_page_lists_due_answered_and_missed_questionnaires_by_name(
    team: Team, browser: Browser, db: Session
) -> None:
    at = team.clock.now - timedelta(hours=30)
    team.session(at)
    _phq9(team, 1, at + timedelta(hours=25))
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    table = page[page.index("Due, answered and missed questionnaires") :].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    phq9_rows = [r for r in rows if ">PHQ-9</th>" in r]
    assert any("Integration phase" in r and "Answered" in r for r in phq9_rows)
    assert any(">After-effects check</th>" in r and "Missed" in r for r in rows)
    assert "questionnaire_schedule.read" in _actions(db, team.therapist)
