"""Device tokens: failures from elsewhere never keep the owner out of a known device."""

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from tests.clinic.conftest import csrf_of
from tests.conftest import Clock
from tests.factories import PASSWORD, make_patient, make_therapist

WRONG = "wrong-pass1"


def _from(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def _sign_in(client: TestClient, email: str, password: str, device: str = "") -> httpx.Response:
    form = {"username": email, "password": password}
    if device:
        form["device_token"] = device
    return client.post("/v1/auth/token", data=form)


def _device_of(app: FastAPI, user: User, address: str = "198.51.100.7") -> str:
    r = _sign_in(_from(app, address), user.email, PASSWORD)
    assert r.status_code == 200, r.text
    token = r.json()["device_token"]
    assert isinstance(token, str) and token
    return token


def _slow_the_account_down(app: FastAPI, user: User) -> None:
    """Five failures from five addresses: the account is slowed for everyone else."""
    for i in range(5):
        assert _sign_in(_from(app, f"203.0.113.{i}"), user.email, WRONG).status_code == 401


def test_an_attacker_spending_the_slow_rate_keeps_out_no_known_device(
    app: FastAPI, db: Session
) -> None:
    user = make_patient(db)
    device = _device_of(app, user)
    _slow_the_account_down(app, user)
    attacker, owner = _from(app, "203.0.113.50"), _from(app, "198.51.100.7")
    with_device, without = [], []
    for _ in range(20):
        _sign_in(attacker, user.email, WRONG)  # the attacker spends the account's try first
        with_device.append(_sign_in(owner, user.email, PASSWORD, device).status_code)
        _sign_in(attacker, user.email, WRONG)
        without.append(_sign_in(owner, user.email, PASSWORD).status_code)
    assert with_device == [200] * 20
    assert set(without) == {429}  # what the owner got before device tokens


def test_a_known_device_is_not_refused_by_its_addresses_limit(app: FastAPI, db: Session) -> None:
    user = make_patient(db)
    shared = "192.0.2.1"  # one address for many people (a clinic's or a carrier's NAT)
    device = _device_of(app, user, shared)
    crowd = _from(app, shared)
    for i in range(25):  # past KAPJ_SIGNIN_FAILURES_PER_ADDRESS (20) for that address
        _sign_in(crowd, f"someone{i}@example.org", WRONG)
    assert _sign_in(crowd, user.email, PASSWORD).status_code == 429
    assert _sign_in(crowd, user.email, PASSWORD, device).status_code == 200


def test_a_known_device_has_its_own_budget(app: FastAPI, db: Session) -> None:
    user = make_patient(db)
    device = _device_of(app, user)
    thief = _from(app, "203.0.113.77")  # someone who copied the device token
    statuses = [_sign_in(thief, user.email, WRONG, device).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    refused = _sign_in(thief, user.email, PASSWORD, device)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["code"] == "too_many_requests"
    # its failures did not slow the account for anyone else
    assert _sign_in(_from(app, "198.51.100.9"), user.email, PASSWORD).status_code == 200


def test_a_device_token_works_only_for_its_account_while_live(
    app: FastAPI, db: Session, clock: Clock
) -> None:
    user, other = make_patient(db), make_patient(db)
    device = _device_of(app, user)
    owner = _from(app, "198.51.100.7")
    theirs = _device_of(app, other)
    _slow_the_account_down(app, user)
    for bad in (
        theirs,  # another account's
        device[:-2] + ("AA" if not device.endswith("AA") else "BB"),  # tampered
        "d1.x.y.z",
        "nonsense",
    ):
        _sign_in(_from(app, "203.0.113.50"), user.email, WRONG)
        assert _sign_in(owner, user.email, PASSWORD, bad).status_code == 429, bad
    clock.advance(days=181)  # past KAPJ_DEVICE_TOKEN_DAYS
    _sign_in(_from(app, "203.0.113.51"), user.email, WRONG)
    assert _sign_in(owner, user.email, PASSWORD, device).status_code == 429
    clock.advance(days=-2)  # within it, the same token still counts
    _sign_in(_from(app, "203.0.113.52"), user.email, WRONG)
    assert _sign_in(owner, user.email, PASSWORD, device).status_code == 200


def test_a_refresh_answers_no_device_token(app: FastAPI, db: Session) -> None:
    user = make_patient(db)
    r = _sign_in(_from(app, "198.51.100.7"), user.email, PASSWORD)
    again = _from(app, "198.51.100.7").post(
        "/v1/auth/refresh", json={"refresh_token": r.json()["refresh_token"]}
    )
    assert again.status_code == 200 and again.json()["device_token"] is None


def _clinic_sign_in(client: TestClient, user: User, password: str) -> httpx.Response:
    page = client.get("/clinic/login")
    return client.post(
        "/clinic/login",
        data={"email": user.email, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )


def test_the_clinic_keeps_the_device_token_in_a_cookie(app: FastAPI, db: Session) -> None:
    user = make_therapist(db)
    owner = _from(app, "198.51.100.7")
    first = _clinic_sign_in(owner, user, PASSWORD)
    assert first.status_code == 303
    cookie = next(c for c in first.headers.get_list("set-cookie") if "kapj_clinic_device=" in c)
    assert "HttpOnly" in cookie and "Path=/clinic/login" in cookie
    assert "SameSite=strict" in cookie
    owner.post("/clinic/logout", data={"csrf_token": csrf_of(owner.get("/clinic/").text)})
    _slow_the_account_down(app, user)
    attacker = _from(app, "203.0.113.50")
    stranger = _from(app, "198.51.100.8")  # the owner's colleague's browser: no device cookie
    for _ in range(5):
        assert _clinic_sign_in(attacker, user, WRONG).status_code in (401, 429)
        assert _clinic_sign_in(owner, user, PASSWORD).status_code == 303
    assert _clinic_sign_in(attacker, user, WRONG).status_code in (401, 429)
    assert _clinic_sign_in(stranger, user, PASSWORD).status_code == 429
