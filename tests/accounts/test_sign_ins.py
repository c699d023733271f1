"""Sign-ins: throttles that can't lock the real person out, lifetimes, listing and ending."""

import contextlib
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts import login as login_service
from app.core.errors import InvalidCredentials, TooManyRequests
from tests.conftest import Clock
from tests.factories import PASSWORD, make_patient, make_therapist


def _from(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 50000))


def _try(client: TestClient, email: str, password: str) -> int:
    r = client.post("/v1/auth/token", data={"username": email, "password": password})
    return r.status_code


def test_a_strangers_failures_do_not_lock_the_real_person_out(app: FastAPI, db: Session) -> None:
    user = make_patient(db)
    attacker = _from(app, "203.0.113.9")
    assert [_try(attacker, user.email, "wrong-pass1") for _ in range(6)] == [401] * 5 + [429]
    assert _try(_from(app, "198.51.100.7"), user.email, PASSWORD) == 200


def test_past_the_account_limit_the_account_slows_down_but_the_right_password_works(
    app: FastAPI, db: Session
) -> None:
    user = make_patient(db)
    for i in range(5):  # five addresses, one failure each: the account's limit is used up
        assert _try(_from(app, f"203.0.113.{i}"), user.email, "wrong-pass1") == 401
    owner = _from(app, "198.51.100.7")
    assert _try(owner, user.email, PASSWORD) == 200  # the first attempt in the slow period
    # a guess right after is slowed, not judged
    assert _try(_from(app, "203.0.113.99"), user.email, "wrong-pass1") == 429


def test_concurrent_guesses_cannot_pass_the_pair_limit(
    app: FastAPI,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """The count is taken before the password check, atomically, so 20 parallel
    guesses still get at most five checks."""
    checked: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def slow_wrong_password(_db: object, *, email: str, password: str) -> None:
        with lock:
            checked.append(1)
        time.sleep(0.01)  # the Argon2 check takes a while: the guesses overlap
        raise InvalidCredentials()

    monkeypatch.setattr(login_service, "authenticate", slow_wrong_password)

    def guess() -> None:
        start.wait()
        with contextlib.suppress(InvalidCredentials, TooManyRequests):
            login_service.sign_in(
                None,  # type: ignore[arg-type]
                app.state.ctx,
                login_service.Attempt("203.0.113.50", None, datetime(2026, 3, 2, tzinfo=UTC)),
                login_service.Credentials("someone@clinic.example.org", "wrong-pass1"),
            )

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) == 5


def test_sign_in_failures_go_to_the_security_log_without_the_password(
    client: TestClient,
    db: Session,
    captured_logs,  # type: ignore[no-untyped-def]
) -> None:
    user = make_patient(db)
    _try(client, user.email, "my-secret-guess-123")
    lines = [line for line in captured_logs.lines if '"signin_failed"' in line]
    assert lines and user.email in lines[-1] and "testclient" in lines[-1]
    assert not any("my-secret-guess-123" in line for line in captured_logs.lines)


def test_refresh_token_reuse_goes_to_the_security_log(
    client: TestClient,
    db: Session,
    captured_logs,  # type: ignore[no-untyped-def]
) -> None:
    user = make_patient(db)
    pair = client.post("/v1/auth/token", data={"username": user.email, "password": PASSWORD}).json()
    client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    client.post("/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert any('"refresh_token_reused"' in line for line in captured_logs.lines)


def test_a_403_goes_to_the_security_log(
    client: TestClient,
    db: Session,
    login,
    captured_logs,  # type: ignore[no-untyped-def]
) -> None:
    user = make_patient(db)
    client.get("/v1/users", headers=login(user))
    lines = [line for line in captured_logs.lines if '"forbidden"' in line]
    assert lines and str(user.id) in lines[-1] and "/v1/users" in lines[-1]


def _pair(client: TestClient, email: str, agent: str = "") -> dict:  # type: ignore[type-arg]
    r = client.post(
        "/v1/auth/token",
        data={"username": email, "password": PASSWORD},
        headers={"User-Agent": agent} if agent else {},
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _refresh(client: TestClient, token: str) -> int:
    return client.post("/v1/auth/refresh", json={"refresh_token": token}).status_code


def test_staff_sign_ins_end_after_seven_days_however_often_refreshed(
    client: TestClient, db: Session, clock: Clock
) -> None:
    user = make_therapist(db)
    token = _pair(client, user.email)["refresh_token"]
    for _ in range(6):
        clock.advance(days=1)
        r = client.post("/v1/auth/refresh", json={"refresh_token": token})
        assert r.status_code == 200
        token = r.json()["refresh_token"]
    clock.advance(days=1)
    assert _refresh(client, token) == 401


def test_patient_sign_ins_end_after_ninety_days(
    client: TestClient, db: Session, clock: Clock
) -> None:
    user = make_patient(db)
    token = _pair(client, user.email)["refresh_token"]
    for _ in range(3):  # day 87
        clock.advance(days=29)
        r = client.post("/v1/auth/refresh", json={"refresh_token": token})
        assert r.status_code == 200, clock.now
        token = r.json()["refresh_token"]
    clock.advance(days=3)
    assert _refresh(client, token) == 401


def test_my_sign_ins_are_listed_with_a_coarse_user_agent(
    client: TestClient, db: Session, clock: Clock
) -> None:
    user = make_patient(db)
    ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    first = _pair(client, user.email, ua)
    clock.advance(minutes=1)
    second = _pair(client, user.email, "kap-journal/1.4 (iPhone; iOS 18.1)")
    r = client.get("/v1/me/sign-ins", headers={"Authorization": f"Bearer {second['access_token']}"})
    items = r.json()["items"]
    assert [i["user_agent"] for i in items] == ["kap-journal app on iPhone", "Firefox on Linux"]
    assert [i["current"] for i in items] == [True, False]
    assert first["access_token"] != second["access_token"]


def test_ending_a_sign_in_stops_its_tokens(client: TestClient, db: Session) -> None:
    user = make_patient(db)
    lost_phone = _pair(client, user.email)
    here = {"Authorization": f"Bearer {_pair(client, user.email)['access_token']}"}
    items = client.get("/v1/me/sign-ins", headers=here).json()["items"]
    other = next(i["id"] for i in items if not i["current"])
    assert client.delete(f"/v1/me/sign-ins/{other}", headers=here).status_code == 204
    gone = {"Authorization": f"Bearer {lost_phone['access_token']}"}
    assert client.get("/v1/me", headers=gone).status_code == 401
    assert _refresh(client, lost_phone["refresh_token"]) == 401
    assert client.get("/v1/me", headers=here).status_code == 200


def test_another_persons_sign_in_is_404(client: TestClient, db: Session) -> None:
    mine = {"Authorization": f"Bearer {_pair(client, make_patient(db).email)['access_token']}"}
    theirs = _pair(client, make_patient(db).email)
    their_h = {"Authorization": f"Bearer {theirs['access_token']}"}
    their_id = client.get("/v1/me/sign-ins", headers=their_h).json()["items"][0]["id"]
    r = client.delete(f"/v1/me/sign-ins/{their_id}", headers=mine)
    assert r.status_code == 404
    assert client.get("/v1/me", headers=their_h).status_code == 200


def _change(client: TestClient, headers: dict[str, str], current: str, new: str) -> int:
    r = client.post(
        "/v1/me/password",
        json={"current_password": current, "new_password": new},
        headers=headers,
    )
    return r.status_code


def test_a_new_password_must_differ_from_the_old(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    h = login(make_patient(db))
    r = client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": PASSWORD},
        headers=h,
    )
    assert r.status_code == 422 and r.json()["code"] == "password_unchanged"


def test_common_passwords_are_refused(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    h = login(make_patient(db))
    for weak in ("password1234", "qwertyuiop12", "iloveyou2024"):
        r = client.post(
            "/v1/me/password",
            json={"current_password": PASSWORD, "new_password": weak},
            headers=h,
        )
        assert r.status_code == 422 and r.json()["code"] == "password_too_weak", weak


def test_password_changes_are_throttled(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    h = login(make_patient(db))
    statuses = [_change(client, h, "wrong-guess-x1", "a-brand-new-password") for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert _change(client, h, PASSWORD, "a-brand-new-password") == 429


def test_the_absolute_lifetime_is_a_setting(settings, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    from app.accounts.models import Role

    settings.sign_in_max_days_staff = 1
    assert login_service.max_age(settings, Role.admin) == timedelta(days=1)
    assert login_service.max_age(settings, Role.patient) == timedelta(days=90)


def test_the_v1_1_sessions_routes_still_answer_and_say_they_are_deprecated(
    client: TestClient, db: Session
) -> None:
    user = make_patient(db)
    lost_phone = _pair(client, user.email)
    here = {"Authorization": f"Bearer {_pair(client, user.email)['access_token']}"}
    old = client.get("/v1/me/sessions", headers=here)
    assert old.json() == client.get("/v1/me/sign-ins", headers=here).json()
    assert old.headers["Deprecation"].startswith("@")
    sunset = parsedate_to_datetime(old.headers["Sunset"])
    assert sunset - datetime.fromtimestamp(int(old.headers["Deprecation"][1:]), UTC) >= timedelta(
        days=365
    )
    assert "Deprecation" not in client.get("/v1/me/sign-ins", headers=here).headers
    other = next(i["id"] for i in old.json()["items"] if not i["current"])
    gone = client.delete(f"/v1/me/sessions/{other}", headers=here)
    assert (gone.status_code, "Sunset" in gone.headers) == (204, True)
    assert _refresh(client, lost_phone["refresh_token"]) == 401
