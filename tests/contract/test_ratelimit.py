"""Every answer to a signed-in caller carries the IETF RateLimit and RateLimit-Policy
fields (draft-ietf-httpapi-ratelimit-headers), declared where they are sent."""

import re
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from limits import parse
from sqlmodel import Session

from tests.contract.spec import operations, spec
from tests.factories import make_patient, make_therapist

# The fields come from the middleware and the in-memory quota (tests' settings), not the
# database: SQLite only.
pytestmark = pytest.mark.one_backend

POLICY = re.compile(r'^"api";q=(\d+);w=(\d+)$')
LEFT = re.compile(r'^"api";r=(\d+);t=(\d+)$')
SIGNED_IN = [(m, p, op) for m, p, op in operations(spec()) if "security" in op]


def _fill(path: str, patient_id: uuid.UUID) -> str:
    return re.sub(
        r"\{([a-z_]+)\}",
        lambda m: str(patient_id) if m.group(1) == "patient_id" else str(uuid.uuid4()),
        path,
    )


def test_every_signed_in_operation_declares_the_fields() -> None:
    missing = [
        f"{method} {path} {status}"
        for method, path, op in SIGNED_IN
        for status, resp in op["responses"].items()
        if status != "401" and not {"RateLimit", "RateLimit-Policy"} <= set(resp.get("headers", {}))
    ]
    assert SIGNED_IN and missing == []


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p, _ in SIGNED_IN],
    ids=[o["operationId"] for *_, o in SIGNED_IN],
)
def test_every_signed_in_route_answers_the_fields(
    client: Any, db: Session, login: Any, method: str, path: str
) -> None:
    patient = make_patient(db)
    make_therapist(db, patients=(patient,))
    url = _fill(path, patient.id)
    kw: dict[str, Any] = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    r = client.request(method, url, headers=login(patient), **kw)
    assert r.status_code != 401, r.text
    assert POLICY.match(r.headers.get("RateLimit-Policy", "")), (r.status_code, r.headers)
    assert LEFT.match(r.headers.get("RateLimit", "")), (r.status_code, r.headers)


def test_the_quota_falls_with_each_request_then_refuses(
    app: FastAPI, client: Any, db: Session, login: Any
) -> None:
    app.state.ctx.throttle.rules["api"] = parse("3/minute")
    me, other = login(make_patient(db)), login(make_patient(db))
    left = []
    for _ in range(3):
        r = client.get("/v1/me", headers=me)
        assert r.status_code == 200
        assert POLICY.match(r.headers["RateLimit-Policy"]).groups() == ("3", "60")  # type: ignore[union-attr]
        left.append(int(LEFT.match(r.headers["RateLimit"]).group(1)))  # type: ignore[union-attr]
    assert left == [2, 1, 0]
    refused = client.get("/v1/me", headers=me)
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) >= 1
    assert LEFT.match(refused.headers["RateLimit"]).group(1) == "0"  # type: ignore[union-attr]
    # Quotas are per caller.
    assert client.get("/v1/me", headers=other).headers["RateLimit"].startswith('"api";r=2;')


def test_signed_out_answers_carry_no_quota(client: Any) -> None:
    r = client.get("/v1/me")
    assert r.status_code == 401
    assert "RateLimit" not in r.headers
