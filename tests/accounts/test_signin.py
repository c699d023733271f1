"""Sign-in, refresh rotation, sign-out, password change and token checks."""

import base64
import json

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role, SignIn
from tests.conftest import Clock
from tests.factories import PASSWORD, make_admin, make_patient


def _sign_in(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, object]:
    r = client.post("/v1/auth/token", data={"username": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_sign_in_returns_a_bearer_pair(client: TestClient, db: Session) -> None:
    user = make_patient(db)
    body = _sign_in(client, user.email.upper())
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    me = client.get("/v1/me", headers=_bearer(str(body["access_token"])))
    assert me.status_code == 200
    assert me.json() == {
        "id": str(user.id),
        "email": user.email,
        "role": "patient",
        "display_name": user.display_name,
        "timezone": "UTC",
        "locale": None,
        "check_in_time": None,
    }


def test_unknown_email_and_wrong_password_answer_the_same(client: TestClient, db: Session) -> None:
    user = make_patient(db)
    wrong = client.post("/v1/auth/token", data={"username": user.email, "password": "x" * 12})
    unknown = client.post(
        "/v1/auth/token", data={"username": "nobody@clinic.example.org", "password": "x" * 12}
    )
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: {k: v for k, v in r.json().items() if k != "instance"}  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert wrong.json()["code"] == "invalid_credentials"
    assert wrong.headers["content-type"] == "application/problem+json"


def test_deactivated_account_cannot_sign_in(client: TestClient, db: Session) -> None:
    user = make_patient(db, is_active=False)
    r = client.post("/v1/auth/token", data={"username": user.email, "password": PASSWORD})
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_credentials"


def test_repeated_failures_are_throttled_with_retry_after(client: TestClient, db: Session) -> None:
    user = make_patient(db)
    for _ in range(5):
        r = client.post("/v1/auth/token", data={"username": user.email, "password": "wrong-pass1"})
        assert r.status_code == 401
    r = client.post("/v1/auth/token", data={"username": user.email, "password": PASSWORD})
    assert r.status_code == 429
    assert r.json()["code"] == "too_many_requests"
    assert int(r.headers["Retry-After"]) > 0


def test_failures_from_one_address_are_throttled_across_accounts(
    client: TestClient, db: Session
) -> None:
    for i in range(20):
        r = client.post(
            "/v1/auth/token",
            data={"username": f"guess{i}@clinic.example.org", "password": "wrong-pass1"},
        )
        assert r.status_code == 401
    r = client.post(
        "/v1/auth/token", data={"username": "guess99@clinic.example.org", "password": "x" * 10}
    )
    assert r.status_code == 429
    assert "Retry-After" in r.headers


def test_access_token_expires_after_fifteen_minutes(
    client: TestClient, db: Session, clock: Clock
) -> None:
    pair = _sign_in(client, make_patient(db).email)
    clock.advance(minutes=14, seconds=59)
    assert client.get("/v1/me", headers=_bearer(str(pair["access_token"]))).status_code == 200
    clock.advance(seconds=1)
    r = client.get("/v1/me", headers=_bearer(str(pair["access_token"])))
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_token"


def test_refresh_rotates_and_the_old_token_stops_working(client: TestClient, db: Session) -> None:
    pair = _sign_in(client, make_patient(db).email)
    r1 = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r1.status_code == 200
    new = r1.json()
    assert new["refresh_token"] != pair["refresh_token"]
    assert client.get("/v1/me", headers=_bearer(new["access_token"])).status_code == 200
    again = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401


def test_reusing_a_rotated_refresh_token_revokes_the_whole_chain(
    client: TestClient, db: Session
) -> None:
    pair = _sign_in(client, make_patient(db).email)
    new = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]}).json()
    reuse = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert reuse.status_code == 401
    assert reuse.json()["code"] == "refresh_token_reused"
    # The legitimate newer pair dies with the chain.
    assert client.get("/v1/me", headers=_bearer(new["access_token"])).status_code == 401
    r = client.post("/v1/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert r.status_code == 401
    sessions = db.exec(select(SignIn)).all()
    assert all(s.revoked_reason == "refresh_reuse" for s in sessions)


def test_expired_refresh_token_is_refused(client: TestClient, db: Session, clock: Clock) -> None:
    pair = _sign_in(client, make_patient(db).email)
    clock.advance(days=30, seconds=1)
    r = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 401


def test_logout_ends_the_pair_at_once(client: TestClient, db: Session) -> None:
    pair = _sign_in(client, make_patient(db).email)
    headers = _bearer(str(pair["access_token"]))
    r = client.post(
        "/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=headers
    )
    assert r.status_code == 204
    assert client.get("/v1/me", headers=headers).status_code == 401
    r = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 401


def test_password_change_ends_the_other_sessions(client: TestClient, db: Session) -> None:
    user = make_patient(db)
    phone = _sign_in(client, user.email)
    laptop = _sign_in(client, user.email)
    r = client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "a-brand-new-password"},
        headers=_bearer(str(laptop["access_token"])),
    )
    assert r.status_code == 204
    assert client.get("/v1/me", headers=_bearer(str(phone["access_token"]))).status_code == 401
    assert client.get("/v1/me", headers=_bearer(str(laptop["access_token"]))).status_code == 200
    _sign_in(client, user.email, "a-brand-new-password")


def test_password_change_needs_the_current_password(client: TestClient, db: Session) -> None:
    user = make_patient(db)
    pair = _sign_in(client, user.email)
    r = client.post(
        "/v1/me/password",
        json={"current_password": "not-the-password", "new_password": "a-brand-new-password"},
        headers=_bearer(str(pair["access_token"])),
    )
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_credentials"


@pytest.mark.parametrize("new_password", ["short", "x" * 129, "nul\x00-in-the-password"])
def test_password_rules(client: TestClient, db: Session, new_password: str) -> None:
    pair = _sign_in(client, make_patient(db).email)
    r = client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": new_password},
        headers=_bearer(str(pair["access_token"])),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"][-1] == "new_password"


def _unsigned(claims: dict[str, object]) -> str:
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{enc({'alg': 'none', 'typ': 'JWT'})}.{enc(claims)}."


def test_token_cases_are_refused(client: TestClient, db: Session, app) -> None:  # type: ignore[no-untyped-def]
    pair = _sign_in(client, make_patient(db).email)
    good = jwt.decode(
        str(pair["access_token"]), options={"verify_signature": False}, algorithms=["HS256"]
    )
    key = app.state.ctx.tokens.key
    cases = {
        "alg none": _unsigned(good),
        "wrong audience": jwt.encode({**good, "aud": "other"}, key, algorithm="HS256"),
        "wrong issuer": jwt.encode({**good, "iss": "other"}, key, algorithm="HS256"),
        "expired": jwt.encode({**good, "exp": good["iat"] - 1}, key, algorithm="HS256"),
        "wrong key": jwt.encode(good, "another-key-of-enough-length-123456", algorithm="HS256"),
        "garbage": "not.a.token",
    }
    for name, token in cases.items():
        r = client.get("/v1/me", headers=_bearer(token))
        assert r.status_code == 401, name
        assert r.headers["content-type"] == "application/problem+json"


def test_tokens_in_the_query_string_are_ignored(client: TestClient, db: Session) -> None:
    pair = _sign_in(client, make_patient(db).email)
    r = client.get("/v1/me", params={"access_token": pair["access_token"]})
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"


def test_deactivation_locks_the_user_out_at_once(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    patient = make_patient(db)
    patient_headers = login(patient)
    admin_headers = login(make_admin(db))
    assert client.get("/v1/me", headers=patient_headers).status_code == 200
    r = client.patch(f"/v1/users/{patient.id}", json={"is_active": False}, headers=admin_headers)
    assert r.status_code == 200
    assert r.json()["is_active"] is False
    assert client.get("/v1/me", headers=patient_headers).status_code == 401


def test_refresh_of_a_deactivated_user_fails(client: TestClient, db: Session, clock: Clock) -> None:
    user = make_patient(db)
    pair = _sign_in(client, user.email)
    user.is_active = False
    db.add(user)
    db.flush()
    clock.advance(minutes=1)
    r = client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 401


# Every kind of route: async without the database, a read-only page, a write.
SIGNED_IN_ROUTES = [
    ("GET", "/v1/safety", None),
    ("GET", "/v1/entries", None),
    ("POST", "/v1/entries", {"body": "after signing out", "written_at": "2026-01-01T12:00:00Z"}),
]


@pytest.mark.parametrize(("method", "path", "body"), SIGNED_IN_ROUTES)
def test_a_signed_out_token_is_refused_everywhere_and_writes_nothing(
    client: TestClient, db: Session, method: str, path: str, body: dict[str, str] | None
) -> None:
    email = make_patient(db).email
    pair = _sign_in(client, email)
    headers = _bearer(str(pair["access_token"]))
    assert client.request(method, path, json=body, headers=headers).status_code < 300
    r = client.post(
        "/v1/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=headers
    )
    assert r.status_code == 204
    r = client.request(method, path, json=body, headers=headers)
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_token"
    again = _bearer(str(_sign_in(client, email)["access_token"]))
    stored = client.get("/v1/entries", headers=again).json()["items"]
    assert len(stored) == (1 if method == "POST" else 0)


def test_a_changed_role_stops_the_token(client: TestClient, db: Session) -> None:
    user = make_patient(db)
    headers = _bearer(str(_sign_in(client, user.email)["access_token"]))
    assert client.get("/v1/entries", headers=headers).status_code == 200
    user.role = Role.therapist
    db.add(user)
    db.flush()
    r = client.get("/v1/entries", headers=headers)
    assert r.status_code == 401
