"""Signing in to the clinic through its form, as a browser does."""

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import User
from app.safety.models import SafetyFlag
from tests.conftest import Clock
from tests.entries.conftest import Team, team  # noqa: F401  (the fixture)
from tests.factories import PASSWORD, make_admin, make_patient, make_therapist

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@dataclass
class Browser:
    """One TestClient with a cookie jar, signed in as one staff member."""

    client: TestClient
    csrf: str = ""

    def sign_in(self, user: User, password: str = PASSWORD) -> httpx.Response:
        page = self.client.get("/clinic/login")
        r = self.client.post(
            "/clinic/login",
            data={"email": user.email, "password": password, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        if r.status_code == 303:
            home = self.client.get(r.headers["location"])
            self.csrf = csrf_of(home.text)
        return r

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> httpx.Response:
        form = {"csrf_token": self.csrf} | (data or {})
        return self.client.post(path, data=form, follow_redirects=False, **kw)


@pytest.fixture
def browser(client: TestClient) -> Browser:
    client.cookies.clear()
    return Browser(client)


@pytest.fixture
def admin(db: Session) -> User:
    return make_admin(db)


@pytest.fixture
def stranger_patient(db: Session) -> User:
    patient = make_patient(db)
    make_therapist(db, patients=(patient,))
    return patient


def hours_ago(clock: Clock, hours: float) -> Any:
    return clock.now - timedelta(hours=hours)


def flagged(patients: Team, db: Session, **kw: Any) -> SafetyFlag:
    """One flag on an entry written two hours into a session 26 hours ago."""
    at = patients.clock.now - timedelta(hours=26)
    patients.session(at)
    patients.write(at + timedelta(hours=2), body="I want to die", **kw)
    return db.exec(select(SafetyFlag)).one()
