"""Every failure is application/problem+json with a stable code; nothing answers 500."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import User
from tests.factories import make_patient

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code"}


def assert_problem(r, status: int, code: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert r.headers["X-Request-ID"]
    return body  # type: ignore[no-any-return]


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    body = assert_problem(client.get("/v1/does-not-exist"), 404, "not_found")
    assert body["instance"] == "/v1/does-not-exist"


def test_wrong_method_is_a_405_problem(client: TestClient) -> None:
    assert_problem(client.delete("/v1/me"), 405, "method_not_allowed")


def test_validation_lists_each_field(client: TestClient) -> None:
    r = client.post("/v1/auth/refresh", json={"refresh_token": "", "surprise": 1})
    body = assert_problem(r, 422, "validation_failed")
    fields = {e["loc"][-1] for e in body["errors"]}
    assert fields == {"refresh_token", "surprise"}


def test_malformed_json_is_400(client: TestClient) -> None:
    r = client.post(
        "/v1/auth/refresh",
        content=b'{"refresh_token": ',
        headers={"content-type": "application/json"},
    )
    assert_problem(r, 400, "malformed_json")


def test_invalid_utf8_is_400(client: TestClient) -> None:
    r = client.post(
        "/v1/auth/refresh",
        content=b'{"refresh_token": "\xff\xfe"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400
    assert r.headers["content-type"] == "application/problem+json"


def test_json_nested_ten_thousand_deep_is_refused_without_500(client: TestClient) -> None:
    deep = b"[" * 10_000 + b"]" * 10_000
    r = client.post("/v1/auth/refresh", content=deep, headers={"content-type": "application/json"})
    assert r.status_code in (400, 413)
    assert r.headers["content-type"] == "application/problem+json"


def test_body_over_the_limit_with_content_length_is_413(client: TestClient) -> None:
    r = client.post(
        "/v1/auth/refresh",
        content=b"x" * (256 * 1024 + 1),
        headers={"content-type": "application/json"},
    )
    assert_problem(r, 413, "payload_too_large")


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(300):
            yield b"y" * 1024

    r = client.post(
        "/v1/auth/refresh", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"


def test_nul_in_text_is_422_and_stores_nothing(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    user = make_patient(db)
    r = client.post(
        "/v1/auth/token", data={"username": f"{user.email}\x00", "password": "whatever-pass"}
    )
    assert r.status_code == 401  # sign-in treats it as unknown, on both databases
    r = client.post(
        "/v1/me/password",
        json={"current_password": "x", "new_password": "bad\x00password-long"},
        headers=login(user),
    )
    assert_problem(r, 422, "validation_failed")
    assert db.exec(select(User).where(User.id == user.id)).one().password_hash == user.password_hash


def test_unexpected_errors_are_a_bare_500(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/v1/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/v1/boom")
    body = assert_problem(r, 500, "internal_error")
    assert "secret internals" not in r.text
    assert "Traceback" not in r.text
    assert body["detail"] == "Something went wrong on our side."


def test_request_id_is_always_made_by_the_server(client: TestClient) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123-def-456"})
    assert r.headers["X-Request-ID"] != "abc-123-def-456"
    assert len(r.headers["X-Request-ID"]) == 32
    r = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["X-Request-ID"] != "bad id with spaces"
    assert len(r.headers["X-Request-ID"]) == 32


def test_v1_responses_are_no_store(client: TestClient) -> None:
    assert client.get("/v1/me").headers["Cache-Control"] == "no-store"
    assert "Cache-Control" not in client.get("/healthz").headers


def test_cors_is_off_by_default(client: TestClient) -> None:
    r = client.options(
        "/v1/me",
        headers={"Origin": "https://evil.example.org", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in r.headers
