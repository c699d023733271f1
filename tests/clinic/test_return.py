"""Signing in returns to the page that asked; the "Stay signed in" button renews."""

from tests.clinic.conftest import Browser, csrf_of
from tests.entries.conftest import Team
from tests.factories import PASSWORD


def _sign_in_with_next(browser: Browser, team: Team, next_url: str) -> str:
    page = browser.client.get("/clinic/login")
    r = browser.client.post(
        "/clinic/login",
        data={
            "email": team.therapist.email,
            "password": PASSWORD,
            "csrf_token": csrf_of(page.text),
            "next": next_url,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


def test_a_signed_out_page_asks_to_sign_in_and_remembers_itself(
    team: Team, browser: Browser
) -> None:
    url = f"/clinic/patients/{team.patient.id}"
    r = browser.get(url, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/clinic/login?next=%2Fclinic%2Fpatients%2F{team.patient.id}"
    login = browser.get(r.headers["location"]).text
    assert f'name="next" id="next" value="{url}"' in login


def test_signing_in_returns_to_the_page_that_asked(team: Team, browser: Browser) -> None:
    url = f"/clinic/patients/{team.patient.id}"
    assert _sign_in_with_next(browser, team, url) == url


def test_only_a_clinic_page_is_returned_to(team: Team, browser: Browser) -> None:
    for bad in ("https://evil.example/", "//evil.example/clinic/", "/clinic//evil", "/v1/me"):
        browser.client.cookies.clear()
        assert _sign_in_with_next(browser, team, bad) == "/clinic/"


def test_stay_signed_in_renews_the_session(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    team.clock.advance(minutes=14)
    assert browser.get("/clinic/session/renew").status_code == 204
    team.clock.advance(minutes=14)  # 28 minutes after signing in, 14 after renewing
    assert browser.get("/clinic/", follow_redirects=False).status_code == 200
    team.clock.advance(minutes=16)
    assert browser.get("/clinic/", follow_redirects=False).status_code == 303
