"""A second factor bound to the sign-in: amr, enrolment ends other sign-ins, one code per
MFA token, and a daily ceiling of wrong codes."""

import jwt
import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from structlog.testing import capture_logs

from app.accounts.models import User
from app.notifications.models import Notification
from tests.accounts.test_mfa import _enrol, _password_step
from tests.clinic.conftest import Browser, browser  # noqa: F401  (the fixture)
from tests.conftest import Clock
from tests.factories import make_admin, make_therapist


def _mfa_token(client: TestClient, user: User) -> str:
    r = _password_step(client, user)
    assert r.status_code == 401 and r.json()["code"] == "mfa_required", r.text
    return str(r.json()["mfa_token"])


def test_enrolling_ends_every_other_sign_in_and_tokens_carry_amr(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    clock: Clock,
    browser: Browser,  # noqa: F811
) -> None:
    user = make_therapist(db)
    phone, laptop = login(user), login(user)
    assert browser.sign_in(user).status_code == 303  # a clinic sign-in, password only
    assert browser.get("/clinic/", follow_redirects=False).status_code == 200
    secret, _codes = _enrol(client, laptop, clock)
    assert client.get("/v1/me", headers=phone).status_code == 401
    assert client.get("/v1/me", headers=laptop).status_code == 200  # the one that enrolled
    assert browser.get("/clinic/", follow_redirects=False).status_code in (302, 303)

    clock.advance(seconds=30)
    r = client.post(
        "/v1/auth/mfa",
        json={"mfa_token": _mfa_token(client, user), "code": pyotp.TOTP(secret).at(clock.now)},
    )
    assert r.status_code == 200, r.text
    claims = jwt.decode(r.json()["access_token"], options={"verify_signature": False})
    assert claims["amr"] == ["pwd", "otp"]


def test_a_password_only_staff_token_can_only_enrol_when_mfa_is_required(
    app: FastAPI,
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    clock: Clock,
) -> None:
    user = make_therapist(db)
    _secret, codes = _enrol(client, login(user), clock)
    app.state.ctx.settings.require_staff_mfa = True
    r = client.get("/v1/therapist/queue", headers=login(user))  # a password-only sign-in
    assert r.status_code == 403 and r.json()["code"] == "mfa_sign_in_required"
    r = client.post("/v1/auth/mfa", json={"mfa_token": _mfa_token(client, user), "code": codes[0]})
    assert r.status_code == 200, r.text
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert client.get("/v1/therapist/queue", headers=headers).status_code == 200


def test_an_mfa_token_buys_one_sign_in(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    clock: Clock,
) -> None:
    user = make_therapist(db)
    _secret, codes = _enrol(client, login(user), clock)
    token = _mfa_token(client, user)
    assert (
        client.post("/v1/auth/mfa", json={"mfa_token": token, "code": codes[0]}).status_code == 200
    )
    r = client.post("/v1/auth/mfa", json={"mfa_token": token, "code": codes[1]})
    assert r.status_code == 401 and r.json()["code"] == "invalid_token"


def test_past_the_daily_ceiling_only_a_recovery_code_signs_in(
    app: FastAPI,
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    clock: Clock,
) -> None:
    from limits import parse

    app.state.ctx.throttle.rules["mfa"] = parse("1000/minute")  # the daily ceiling alone
    user = make_therapist(db)
    admin = make_admin(db)
    secret, codes = _enrol(client, login(user), clock)
    clock.advance(seconds=30)
    token = _mfa_token(client, user)
    right = pyotp.TOTP(secret).at(clock.now)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with capture_logs() as logs:
        for _ in range(20):
            r = client.post("/v1/auth/mfa", json={"mfa_token": token, "code": wrong})
            assert r.status_code == 401
    assert any(e["event"] == "mfa_daily_ceiling" for e in logs)
    assert str(user.id) not in r.text  # the refusal names no one
    db.expire_all()
    told = db.exec(select(Notification).where(Notification.kind == "security_mfa_ceiling")).all()
    assert [(n.user_id, n.data["user_id"]) for n in told] == [(admin.id, str(user.id))]
    r = client.post("/v1/auth/mfa", json={"mfa_token": token, "code": right})
    assert r.status_code == 403 and r.json()["code"] == "mfa_recovery_required"
    r = client.post("/v1/auth/mfa", json={"mfa_token": token, "code": codes[0]})
    assert r.status_code == 200, r.text
