"""The clinic's sessions, CSRF, headers and what each caller may see."""

import hashlib
import json
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from app.accounts.models import SignIn, User
from app.clinic.auth import COOKIE
from tests.clinic.conftest import Browser, csrf_of
from tests.entries.conftest import Team
from tests.factories import make_patient, make_therapist

STATIC = Path(__file__).parents[2] / "app" / "clinic" / "static"


def test_htmx_is_the_pinned_npm_file() -> None:
    pinned = json.loads((STATIC / "htmx.json").read_text())
    digest = hashlib.sha256((STATIC / "htmx.min.js").read_bytes()).hexdigest()
    assert pinned["package"] == "htmx.org"
    assert digest == pinned["sha256"]


def test_wrong_password_and_a_patient_get_the_same_message(team: Team, browser: Browser) -> None:
    wrong = browser.sign_in(team.therapist, password="not-the-password")
    patient = browser.sign_in(team.patient)
    assert wrong.status_code == patient.status_code == 401
    strip = lambda html: html.replace(team.therapist.email, "").replace(team.patient.email, "")  # noqa: E731
    assert strip(wrong.text).split("<form")[0] == strip(patient.text).split("<form")[0]
    assert COOKIE not in browser.client.cookies


def test_repeated_failures_are_throttled_like_the_api(team: Team, browser: Browser) -> None:
    for _ in range(5):
        assert browser.sign_in(team.therapist, password="wrong-password-1").status_code == 401
    r = browser.sign_in(team.therapist)
    assert r.status_code == 429
    assert "Retry-After" in r.headers


def test_the_session_cookie_is_httponly_and_samesite(team: Team, browser: Browser) -> None:
    r = browser.sign_in(team.therapist)
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and COOKIE in v)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only when KAPJ_ENV=production


def test_the_sign_in_is_a_row_of_the_api_sign_in_table(
    team: Team, browser: Browser, db: Session
) -> None:
    before = len(db.exec(select(SignIn).where(SignIn.user_id == team.therapist.id)).all())
    browser.sign_in(team.therapist)
    after = db.exec(select(SignIn).where(SignIn.user_id == team.therapist.id)).all()
    assert len(after) == before + 1


def test_signing_out_ends_the_session_at_once(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    stolen = browser.client.cookies.get(COOKIE)
    r = browser.post("/clinic/logout")
    assert r.status_code == 303
    browser.client.cookies.set(COOKIE, stolen or "", path="/clinic")
    again = browser.get("/clinic/", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/clinic/login")


def test_deactivation_ends_the_clinic_session(team: Team, browser: Browser, db: Session) -> None:
    browser.sign_in(team.therapist)
    user = db.get(User, team.therapist.id)
    assert user is not None
    user.is_active = False
    db.add(user)
    db.flush()
    r = browser.get("/clinic/", follow_redirects=False)
    assert r.status_code == 303


def test_fifteen_idle_minutes_return_to_sign_in(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    team.clock.advance(minutes=16)
    r = browser.get("/clinic/", follow_redirects=False)
    assert r.headers["location"] == "/clinic/login?ended=1"


def test_activity_keeps_the_session_alive(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    for _ in range(3):
        team.clock.advance(minutes=10)
        assert browser.get("/clinic/", follow_redirects=False).status_code == 200


def test_the_absolute_lifetime_ends_even_an_active_session(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    for _ in range(13 * 6):
        team.clock.advance(minutes=10)
        r = browser.get("/clinic/", follow_redirects=False)
        if r.status_code != 200:
            break
    assert r.status_code == 303


def test_a_form_post_without_the_csrf_token_is_refused(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    r = browser.client.post("/clinic/logout", follow_redirects=False)
    assert r.status_code == 403
    assert browser.get("/clinic/").status_code == 200  # still signed in


def test_a_form_post_with_a_wrong_csrf_token_is_refused(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    r = browser.client.post("/clinic/logout", data={"csrf_token": "0" * 64})
    assert r.status_code == 403


def test_sign_in_without_the_login_token_is_refused(team: Team, browser: Browser) -> None:
    r = browser.client.post(
        "/clinic/login", data={"email": team.therapist.email, "password": "x" * 12}
    )
    assert r.status_code == 403


def test_pages_carry_a_strict_content_security_policy(browser: Browser) -> None:
    r = browser.get("/clinic/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in r.text and " style=" not in r.text


def test_another_therapists_patient_is_the_same_404_as_a_missing_one(
    team: Team, browser: Browser, db: Session
) -> None:
    other = make_patient(db)
    make_therapist(db, patients=(other,))
    browser.sign_in(team.therapist)
    theirs = browser.get(f"/clinic/patients/{other.id}")
    missing = browser.get("/clinic/patients/00000000-0000-4000-8000-000000000000")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text == missing.text


def test_an_admin_cannot_open_a_patient_page(team: Team, browser: Browser, admin: User) -> None:
    browser.sign_in(admin)
    assert browser.get(f"/clinic/patients/{team.patient.id}").status_code == 404


def test_an_admin_never_sees_journal_text(team: Team, browser: Browser, admin: User) -> None:
    at = team.clock.now - timedelta(hours=26)
    team.session(at)
    team.write(at + timedelta(hours=1), body="canary-5521 words of the patient")
    browser.sign_in(admin)
    for path in ("/clinic/admin/users", "/clinic/admin/care-teams", "/clinic/admin/audit"):
        page = browser.get(path)
        assert page.status_code == 200
        assert "canary-5521" not in page.text


def test_an_admin_adds_a_therapist_to_a_care_team(
    team: Team, browser: Browser, admin: User, db: Session
) -> None:
    patient = make_patient(db)
    browser.sign_in(admin)
    r = browser.post(
        "/clinic/admin/care-teams",
        {"patient_id": str(patient.id), "therapist_id": str(team.therapist.id)},
    )
    assert r.status_code == 303
    page = browser.get("/clinic/admin/care-teams")
    assert csrf_of(page.text)
    from app.accounts.service import is_on_care_team

    assert is_on_care_team(db, therapist_id=team.therapist.id, patient_id=patient.id)


def test_a_therapist_cannot_open_admin_pages(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    assert browser.get("/clinic/admin/users").status_code == 404


def test_an_htmx_request_without_the_csrf_header_is_refused(team: Team, browser: Browser) -> None:
    at = team.clock.now - timedelta(hours=26)
    team.session(at)
    entry = team.write(at + timedelta(hours=1))
    browser.sign_in(team.therapist)
    r = browser.client.post(
        f"/clinic/entries/{entry['id']}/review", data={"note": ""}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 403


def test_an_unknown_clinic_page_is_the_html_404(browser: Browser) -> None:
    r = browser.get("/clinic/no-such-page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_a_patient_signing_in_is_left_with_no_live_session(
    team: Team, browser: Browser, db: Session
) -> None:
    def live() -> int:
        db.expire_all()
        rows = db.exec(
            select(SignIn).where(
                SignIn.user_id == team.patient.id, col(SignIn.revoked_at).is_(None)
            )
        ).all()
        return len(rows)

    before = live()
    assert browser.sign_in(team.patient).status_code == 401
    assert live() == before


def test_odd_text_in_a_form_is_refused_never_a_server_error(team: Team, browser: Browser) -> None:
    at = team.clock.now - timedelta(hours=26)
    team.session(at)
    entry = team.write(at + timedelta(hours=1))
    browser.sign_in(team.therapist)
    nul = browser.post(f"/clinic/entries/{entry['id']}/review", {"note": "a\x00b"})
    assert nul.status_code == 422
    odd = browser.client.post("/clinic/logout", data={"csrf_token": "é\u202e"})
    assert odd.status_code == 403
    login = browser.client.post(
        "/clinic/login", data={"email": "\x00", "password": "é", "csrf_token": "é"}
    )
    assert login.status_code == 403
