"""A user's language: set by the admin or by the user, else Accept-Language, else English."""

import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, event
from sqlmodel import Session

from app.accounts.models import User
from app.core.i18n import LOCALES, negotiate
from tests.factories import make_admin, make_patient

NEW_USER = {
    "email": "lucia@clinic.example.org",
    "role": "patient",
    "display_name": "Lucía",
    "timezone": "America/Mexico_City",
}


def test_admin_creates_an_account_with_a_locale(
    client: TestClient, db: Session, login: Any
) -> None:
    r = client.post("/v1/users", json=NEW_USER | {"locale": "es"}, headers=login(make_admin(db)))
    assert r.status_code == 201, r.text
    assert r.json()["locale"] == "es"
    user = db.get(User, uuid.UUID(r.json()["id"]))
    assert user is not None and user.locale == "es"


def test_an_account_without_a_locale_has_none(client: TestClient, db: Session, login: Any) -> None:
    r = client.post("/v1/users", json=NEW_USER, headers=login(make_admin(db)))
    assert (r.status_code, r.json()["locale"]) == (201, None)


def test_an_unknown_locale_is_422_everywhere_and_changes_nothing(
    client: TestClient, db: Session, login: Any
) -> None:
    admin, patient = make_admin(db), make_patient(db)
    for method, url, body, who in (
        ("POST", "/v1/users", NEW_USER | {"locale": "fr"}, admin),
        ("PATCH", f"/v1/users/{patient.id}", {"locale": "EN"}, admin),
        ("PATCH", "/v1/me", {"locale": "es-MX"}, patient),
        ("PATCH", "/v1/me", {"locale": ""}, patient),
    ):
        r = client.request(method, url, json=body, headers=login(who))
        assert (r.status_code, r.json()["code"]) == (422, "validation_failed"), (url, r.text)
    stored = db.get(User, patient.id)
    assert stored is not None and stored.locale is None


def test_admin_changes_and_clears_a_users_locale(
    client: TestClient, db: Session, login: Any
) -> None:
    patient = make_patient(db)
    headers = login(make_admin(db))
    r = client.patch(f"/v1/users/{patient.id}", json={"locale": "es"}, headers=headers)
    assert (r.status_code, r.json()["locale"]) == (200, "es")
    r = client.patch(f"/v1/users/{patient.id}", json={"display_name": "P"}, headers=headers)
    assert r.json()["locale"] == "es"  # not sent: unchanged
    r = client.patch(f"/v1/users/{patient.id}", json={"locale": None}, headers=headers)
    assert r.json()["locale"] is None


def test_a_user_sets_their_own_locale_name_and_time_zone(
    client: TestClient, db: Session, login: Any
) -> None:
    headers = login(make_patient(db))
    r = client.patch(
        "/v1/me",
        json={"locale": "es", "display_name": "Lucía", "timezone": "America/Bogota"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    me = client.get("/v1/me", headers=headers).json()
    assert (me["locale"], me["display_name"], me["timezone"]) == ("es", "Lucía", "America/Bogota")


def test_patch_me_refuses_fields_it_does_not_own(
    client: TestClient, db: Session, login: Any
) -> None:
    r = client.patch("/v1/me", json={"role": "admin"}, headers=login(make_patient(db)))
    assert r.status_code == 422


def test_accept_language_decides_for_an_account_without_a_locale(
    client: TestClient, db: Session, login: Any
) -> None:
    headers = login(make_patient(db))
    r = client.get("/v1/safety", headers=headers | {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert r.json()["notice"].startswith("Nadie revisa tu diario")
    r = client.get("/v1/safety", headers=headers | {"Accept-Language": "fr-FR"})
    assert r.json()["notice"].startswith("Your journal is not monitored")


def test_the_accounts_locale_wins_over_accept_language(
    client: TestClient, db: Session, login: Any
) -> None:
    headers = login(make_patient(db))
    client.patch("/v1/me", json={"locale": "en"}, headers=headers)
    r = client.get("/v1/safety", headers=headers | {"Accept-Language": "es"})
    assert r.json()["notice"].startswith("Your journal is not monitored")


def test_negotiation_follows_quality_values() -> None:
    assert negotiate("en-US,es;q=0.5") == "en"
    assert negotiate("en;q=0.2, es-419;q=0.8") == "es"
    assert negotiate("es;q=0, en") == "en"
    assert negotiate("*") == "en"
    assert negotiate(None) == "en"


@given(st.text(max_size=300))
def test_negotiation_never_fails_on_any_header(header: str) -> None:
    assert negotiate(header) in LOCALES


def _statements(engine: Engine, call: Callable[[], Any]) -> int:
    seen: list[str] = []

    def on_execute(*_args: Any) -> None:
        seen.append("x")

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return len(seen)


def test_the_callers_locale_costs_no_statement_of_its_own(
    client: TestClient, db: Session, login: Any, engine: Engine
) -> None:
    english, spanish = make_patient(db), make_patient(db)
    eh, sh = login(english), login(spanish)
    client.patch("/v1/me", json={"locale": "es"}, headers=sh)
    costs = [
        _statements(engine, lambda h=h: client.get("/v1/prompts?limit=5", headers=h))
        for h in (eh, sh, eh | {"Accept-Language": "es"})
    ]
    assert costs[0] == costs[1] == costs[2]
    r = client.get("/v1/safety", headers=sh)
    assert r.json()["notice"].startswith("Nadie")
    # The notice in Spanish costs what it costs in English: the locale comes with the
    # sign-in check, not from a statement of its own.
    safety = [
        _statements(engine, lambda h=h: client.get("/v1/safety", headers=h)) for h in (eh, sh)
    ]
    assert safety[0] == safety[1]
