"""Invitations: nobody sets another person's password."""

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

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
    assert stored.token_hash == hash_token(invitation["token"])  # only the hash is kept
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


def test_a_wrong_token_is_404_and_costs_a_password_hash(
    client: TestClient,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import app.accounts.invitations as invitations

    calls: list[object] = []
    real = invitations.verify_password
    monkeypatch.setattr(invitations, "verify_password", lambda p, h: calls.append(h) or real(p, h))
    r = client.post("/v1/auth/invitation", json={"token": "nope", "password": GOOD})
    assert r.status_code == 404
    assert r.json()["code"] == "invitation_not_found"
    assert calls == [None]  # the dummy Argon2 verification ran


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
