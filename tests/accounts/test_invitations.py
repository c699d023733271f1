"""Invitations: nobody sets another person's password."""

import secrets
import uuid
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.invitations import lookup_hash
from app.accounts.models import Invitation, User
from app.core.security import hash_token
from tests.conftest import Clock
from tests.factories import make_admin, make_patient

NEW = {"email": "invitee@clinic.example.org", "role": "therapist", "display_name": "Dr. New"}
GOOD = "a-long-phrase-of-my-own"


def _create(client: TestClient, headers: dict[str, str], **kw: str) -> dict:  # type: ignore[type-arg]
    r = client.post("/v1/users", json=NEW | kw, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_creating_a_user_takes_no_password_and_answers_an_invitation(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    body = _create(client, login(make_admin(db)))
    invitation = body["invitation"]
    assert invitation["expires_at"] == (clock.now + timedelta(hours=72)).isoformat().replace(
        "+00:00", "Z"
    )
    stored = db.exec(select(Invitation)).one()
    # Only a keyed hash is kept: neither the token nor its plain hash is in the row.
    assert stored.token_hash == lookup_hash(client.app.state.ctx.keyring, invitation["token"])
    assert stored.token_hash != hash_token(invitation["token"])
    assert invitation["token"] not in stored.token_hash


def test_an_invited_account_cannot_sign_in_before_accepting(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    _create(client, login(make_admin(db)))
    for password in ("", "x" * 12):
        r = client.post("/v1/auth/token", data={"username": NEW["email"], "password": password})
        assert r.status_code in (401, 422)


def test_accepting_an_invitation_sets_the_password_and_signs_in(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    token = _create(client, login(make_admin(db)))["invitation"]["token"]
    r = client.post("/v1/auth/invitation", json={"token": token, "password": GOOD})
    assert r.status_code == 200, r.text
    me = client.get("/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"})
    assert me.json()["email"] == NEW["email"]
    r = client.post("/v1/auth/token", data={"username": NEW["email"], "password": GOOD})
    assert r.status_code == 200


def test_an_invitation_issued_before_the_hash_was_keyed_still_works(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    token = _create(client, login(make_admin(db)))["invitation"]["token"]
    stored = db.exec(select(Invitation)).one()
    stored.token_hash = hash_token(token)  # as invitations were stored before
    db.add(stored)
    db.flush()
    r = client.post("/v1/auth/invitation", json={"token": token, "password": GOOD})
    assert r.status_code == 200, r.text


def test_a_used_invitation_is_410(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    token = _create(client, login(make_admin(db)))["invitation"]["token"]
    assert (
        client.post("/v1/auth/invitation", json={"token": token, "password": GOOD}).status_code
        == 200
    )
    r = client.post("/v1/auth/invitation", json={"token": token, "password": GOOD + "x"})
    assert r.status_code == 410
    assert r.json()["code"] == "invitation_gone"


def test_an_expired_invitation_is_410(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    token = _create(client, login(make_admin(db)))["invitation"]["token"]
    clock.advance(hours=72)
    r = client.post("/v1/auth/invitation", json={"token": token, "password": GOOD})
    assert r.status_code == 410


def _count_hashing(monkeypatch) -> list[str]:  # type: ignore[no-untyped-def]
    """Record every Argon2 hash or verification and every password-strength check."""
    import app.accounts.invitations as invitations
    import app.core.security as security

    calls: list[str] = []
    for module, name in (
        (invitations, "hash_password"),
        (invitations, "check_new_password"),
        (security, "verify_password"),
    ):
        real = getattr(module, name)

        def spy(*a, _real=real, _name=name, **kw):  # type: ignore[no-untyped-def]
            calls.append(_name)
            return _real(*a, **kw)

        monkeypatch.setattr(module, name, spy)
    return calls


@pytest.mark.parametrize(
    "token",
    ["nope", "x" * 256, "A" * 42 + "!", "A" * 43, "\u00e9" * 43, "A" * 43 + " "],
)
def test_a_wrong_token_is_404_before_any_password_work(
    client: TestClient,
    token: str,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    calls = _count_hashing(monkeypatch)
    r = client.post("/v1/auth/invitation", json={"token": token, "password": GOOD})
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "invitation_not_found"
    assert calls == []  # neither Argon2 nor zxcvbn ran for a token that is not live


def test_a_spent_token_is_410_before_any_password_work(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    token = _create(client, login(make_admin(db)))["invitation"]["token"]
    assert (
        client.post("/v1/auth/invitation", json={"token": token, "password": GOOD}).status_code
        == 200
    )
    calls = _count_hashing(monkeypatch)
    r = client.post("/v1/auth/invitation", json={"token": token, "password": GOOD})
    assert r.status_code == 410 and calls == []


def test_a_live_token_costs_the_hash(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    token = _create(client, login(make_admin(db)))["invitation"]["token"]
    calls = _count_hashing(monkeypatch)
    assert (
        client.post("/v1/auth/invitation", json={"token": token, "password": GOOD}).status_code
        == 200
    )
    assert "hash_password" in calls  # the spies see real work, so the tests above can fail


def _from(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def test_invitation_attempts_are_throttled_per_client_with_retry_after(app: FastAPI) -> None:
    limit = 10  # KAPJ_INVITATION_ATTEMPTS, 10 a minute
    caller = _from(app, "203.0.113.5")
    statuses = [
        caller.post(
            "/v1/auth/invitation", json={"token": secrets.token_urlsafe(32), "password": GOOD}
        )
        for _ in range(limit + 1)
    ]
    assert [r.status_code for r in statuses] == [404] * limit + [429]
    refused = statuses[-1]
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # another client is not held up by this one
    other = _from(app, "198.51.100.7")
    body = {"token": secrets.token_urlsafe(32), "password": GOOD}
    assert other.post("/v1/auth/invitation", json=body).status_code == 404


def test_one_token_is_throttled_across_clients(
    app: FastAPI,
    db: Session,
    client: TestClient,
    login,  # type: ignore[no-untyped-def]
) -> None:
    token = _create(client, login(make_admin(db)))["invitation"]["token"]
    weak = {"token": token, "password": "password1234"}
    statuses = [
        _from(app, f"203.0.113.{i}").post("/v1/auth/invitation", json=weak).status_code
        for i in range(11)
    ]
    assert statuses == [422] * 10 + [429]
    # the token's budget is spent for now, from any client, even with a good password
    r = _from(app, "198.51.100.8").post(
        "/v1/auth/invitation", json={"token": token, "password": GOOD}
    )
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_the_clinic_invitation_form_is_throttled_with_retry_after(app: FastAPI) -> None:
    caller = _from(app, "203.0.113.6")
    page = caller.get("/clinic/invitation")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"token": "not-a-token", "password": GOOD, "csrf_token": csrf}
    statuses = [caller.post("/clinic/invitation", data=data) for _ in range(11)]
    assert [r.status_code for r in statuses] == [404] * 10 + [429]
    assert int(statuses[-1].headers["Retry-After"]) >= 1


def test_a_common_password_is_refused_when_accepting(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    token = _create(client, login(make_admin(db)))["invitation"]["token"]
    r = client.post("/v1/auth/invitation", json={"token": token, "password": "password1234"})
    assert r.status_code == 422
    assert r.json()["code"] == "password_too_weak"
    # the invitation still works with a better one
    assert (
        client.post("/v1/auth/invitation", json={"token": token, "password": GOOD}).status_code
        == 200
    )


def test_reissuing_an_invitation_voids_the_previous_one(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin = login(make_admin(db))
    created = _create(client, admin)
    r = client.post(f"/v1/users/{created['id']}/invitation", headers=admin)
    assert r.status_code == 201, r.text
    old = client.post(
        "/v1/auth/invitation", json={"token": created["invitation"]["token"], "password": GOOD}
    )
    assert old.status_code == 410
    new = client.post("/v1/auth/invitation", json={"token": r.json()["token"], "password": GOOD})
    assert new.status_code == 200


def test_an_account_with_a_password_gets_no_invitation(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    """Otherwise an admin could take over a working account with a fresh invitation."""
    patient = make_patient(db)
    r = client.post(f"/v1/users/{patient.id}/invitation", headers=login(make_admin(db)))
    assert r.status_code == 409
    assert r.json()["code"] == "invitation_not_needed"


def test_a_deactivated_account_cannot_accept(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin = login(make_admin(db))
    created = _create(client, admin)
    client.patch(f"/v1/users/{created['id']}", json={"is_active": False}, headers=admin)
    r = client.post(
        "/v1/auth/invitation", json={"token": created["invitation"]["token"], "password": GOOD}
    )
    assert r.status_code == 410
    assert db.get(User, uuid.UUID(created["id"])) is not None


def test_staff_display_names_are_unique_in_the_clinic(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin = login(make_admin(db))
    _create(client, admin, display_name="Dr. Ana Rivera")
    r = client.post(
        "/v1/users",
        json=NEW | {"email": "fake@clinic.example.org", "display_name": "dr.  ana RIVERA"},
        headers=admin,
    )
    assert r.status_code == 409
    assert r.json()["code"] == "display_name_taken"


def test_renaming_staff_to_a_taken_name_is_409(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin = login(make_admin(db))
    _create(client, admin, display_name="Dr. Ana Rivera")
    other = _create(client, admin, email="b@clinic.example.org", display_name="Dr. B")
    r = client.patch(
        f"/v1/users/{other['id']}", json={"display_name": "Dr. Ana Rivera"}, headers=admin
    )
    assert r.status_code == 409
