"""API access tokens and clinic cookies are not interchangeable."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.clinic.auth import COOKIE
from tests.clinic.conftest import Browser
from tests.factories import make_therapist


def test_an_api_token_is_no_cookie_and_a_cookie_is_no_bearer_token(
    browser: Browser,
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    therapist = make_therapist(db)
    api_token = login(therapist)["Authorization"].removeprefix("Bearer ")
    assert browser.sign_in(therapist).status_code == 303
    cookie = browser.client.cookies.get(COOKIE)
    assert cookie
    r = client.get("/v1/me", headers={"Authorization": f"Bearer {cookie}"})
    assert r.status_code == 401
    browser.client.cookies.clear()
    browser.client.cookies.set(COOKIE, api_token)
    assert browser.get("/clinic/", follow_redirects=False).status_code in (302, 303)
