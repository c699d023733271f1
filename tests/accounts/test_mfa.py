"""TOTP second factor: enrolment, signing in with it, recovery codes, removal, requiring it."""

from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import RecoveryCode, User
from tests.conftest import Clock
from tests.factories import PASSWORD, make_admin, make_patient, make_therapist


def _enrol(client: TestClient, headers: dict[str, str], clock: Clock) -> tuple[str, list[str]]:
    r = client.post("/v1/me/mfa/totp", headers=headers)
    assert r.status_code == 201, r.text
    secret = r.json()["secret"]
    code = pyotp.TOTP(secret).at(clock.now)
    r = client.post("/v1/me/mfa/totp/confirm", json={"code": code}, headers=headers)
    assert r.status_code == 200, r.text
    return secret, r.json()["recovery_codes"]


def _password_step(client: TestClient, user: User) -> Any:
    return client.post("/v1/auth/token", data={"username": user.email, "password": PASSWORD})


def test_enrolment_returns_secret_uri_and_an_svg_qr_code(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    r = client.post("/v1/me/mfa/totp", headers=login(user))
    body = r.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_uri"]
    assert body["qr_svg"].startswith("<svg")
    stored = db.exec(select(User).where(User.id == user.id)).one()
    assert stored.totp_secret is not None and body["secret"].encode() not in stored.totp_secret


def test_confirming_gives_ten_recovery_codes_stored_hashed(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    _, codes = _enrol(client, login(user), clock)
    assert len(codes) == len(set(codes)) == 10
    stored = [c.code_hash for c in db.exec(select(RecoveryCode)).all()]
    assert len(stored) == 10 and not set(codes) & set(stored)


def test_a_wrong_confirmation_code_does_not_enrol(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    h = login(user)
    client.post("/v1/me/mfa/totp", headers=h)
    r = client.post("/v1/me/mfa/totp/confirm", json={"code": "000000"}, headers=h)
    assert r.status_code == 401 and r.json()["code"] == "invalid_mfa_code"
    assert _password_step(client, user).status_code == 200  # still password-only


def test_patients_do_not_enrol(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    assert client.post("/v1/me/mfa/totp", headers=login(make_patient(db))).status_code == 403


def test_the_password_alone_answers_mfa_required_with_a_token(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    _enrol(client, login(user), clock)
    r = _password_step(client, user)
    assert r.status_code == 401
    assert r.json()["code"] == "mfa_required"
    assert r.json()["mfa_token"]
    assert "access_token" not in r.json()


def test_the_mfa_step_with_a_code_gives_the_pair(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    secret, _ = _enrol(client, login(user), clock)
    mfa_token = _password_step(client, user).json()["mfa_token"]
    clock.advance(seconds=30)  # a new step: the enrolment's code is spent
    code = pyotp.TOTP(secret).at(clock.now)
    r = client.post("/v1/auth/mfa", json={"mfa_token": mfa_token, "code": code})
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"


def test_a_code_is_never_accepted_twice(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    secret, _ = _enrol(client, login(user), clock)
    clock.advance(seconds=30)
    code = pyotp.TOTP(secret).at(clock.now)
    first = _password_step(client, user).json()["mfa_token"]
    assert client.post("/v1/auth/mfa", json={"mfa_token": first, "code": code}).status_code == 200
    second = _password_step(client, user).json()["mfa_token"]
    r = client.post("/v1/auth/mfa", json={"mfa_token": second, "code": code})
    assert r.status_code == 401 and r.json()["code"] == "invalid_mfa_code"


def test_a_recovery_code_works_once(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    _, codes = _enrol(client, login(user), clock)
    token = _password_step(client, user).json()["mfa_token"]
    assert (
        client.post("/v1/auth/mfa", json={"mfa_token": token, "code": codes[0]}).status_code == 200
    )
    token = _password_step(client, user).json()["mfa_token"]
    assert (
        client.post("/v1/auth/mfa", json={"mfa_token": token, "code": codes[0]}).status_code == 401
    )


def test_the_mfa_token_expires_after_five_minutes(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    secret, _ = _enrol(client, login(user), clock)
    token = _password_step(client, user).json()["mfa_token"]
    clock.advance(minutes=5)
    r = client.post(
        "/v1/auth/mfa", json={"mfa_token": token, "code": pyotp.TOTP(secret).at(clock.now)}
    )
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"


def test_mfa_codes_are_throttled(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    secret, _ = _enrol(client, login(user), clock)
    token = _password_step(client, user).json()["mfa_token"]
    statuses = [
        client.post("/v1/auth/mfa", json={"mfa_token": token, "code": "000000"}).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    clock.advance(seconds=30)
    good = pyotp.TOTP(secret).at(clock.now)
    assert client.post("/v1/auth/mfa", json={"mfa_token": token, "code": good}).status_code == 429


def test_mfa_failures_go_to_the_security_log_without_the_code(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,
    captured_logs,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    _enrol(client, login(user), clock)
    token = _password_step(client, user).json()["mfa_token"]
    client.post("/v1/auth/mfa", json={"mfa_token": token, "code": "987654"})
    lines = [line for line in captured_logs.lines if "mfa_failed" in line]
    assert lines and str(user.id) in lines[-1]
    assert "987654" not in lines[-1] and PASSWORD not in "".join(captured_logs.lines)


def test_removing_mfa_needs_the_password_and_a_code(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    user = make_therapist(db)
    h = login(user)
    secret, _ = _enrol(client, h, clock)
    clock.advance(seconds=30)
    code = pyotp.TOTP(secret).at(clock.now)
    wrong = client.request(
        "DELETE", "/v1/me/mfa", json={"password": "not-the-password", "code": code}, headers=h
    )
    assert wrong.status_code == 401
    r = client.request("DELETE", "/v1/me/mfa", json={"password": PASSWORD, "code": code}, headers=h)
    assert r.status_code == 204
    assert _password_step(client, user).status_code == 200


@pytest.fixture
def strict_app(app: FastAPI) -> FastAPI:
    app.state.ctx.settings.require_staff_mfa = True
    return app


def test_required_mfa_blocks_staff_without_it_except_enrolment(
    strict_app: FastAPI,
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    for user in (make_therapist(db), make_admin(db)):
        h = login(user)
        r = client.get("/v1/users" if user.role == "admin" else "/v1/therapist/queue", headers=h)
        assert r.status_code == 403 and r.json()["code"] == "mfa_enrolment_required"
        assert client.get("/v1/me", headers=h).status_code == 200
        _enrol(client, h, clock)
        r = client.get("/v1/users" if user.role == "admin" else "/v1/therapist/queue", headers=h)
        assert r.status_code == 200


def test_required_mfa_leaves_patients_alone(
    strict_app: FastAPI,
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    assert client.get("/v1/entries", headers=login(make_patient(db))).status_code == 200


def test_mfa_is_required_by_default_in_production_only() -> None:
    from pydantic import SecretStr

    from app.core.config import Settings

    key = "k1:" + "a" * 43 + "="
    prod = Settings(
        env="production",
        signing_key=SecretStr("s" * 40),
        encryption_keys=SecretStr(key),
        invitation_delivery="email",
        smtp_url=SecretStr("smtp://localhost:25"),
        smtp_from="clinic@example.org",
        safety_oncall_emails=["oncall@clinic.example.org"],
    )
    assert prod.staff_mfa_required
    assert not Settings(env="development").staff_mfa_required
