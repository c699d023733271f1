"""Inputs that once answered 500: each is a 4xx problem, and so is the whole class."""

import uuid
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.core.pagination import encode_cursor
from app.entries.models import JournalEntry
from tests.core.test_problems import assert_problem
from tests.entries.conftest import Team, iso
from tests.factories import make_admin

LONE = "\\ud800"  # as JSON spells it


def _raw(client: TestClient, method: str, path: str, body: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.request(
        method, path, content=body.encode(), headers=headers | {"Content-Type": "application/json"}
    )


def test_lone_surrogate_in_an_entry_body_is_422_and_stores_nothing(team: Team, db: Session) -> None:
    body = f'{{"body": "a{LONE}b", "written_at": "{iso(team.clock.now)}"}}'
    r = _raw(team.client, "POST", "/v1/entries", body, team.ph)
    problem = assert_problem(r, 422, "validation_failed")
    assert problem["errors"][0]["loc"] == ["body", "body"]
    assert (
        db.exec(select(JournalEntry).where(JournalEntry.patient_id == team.patient.id)).all() == []
    )


def test_lone_surrogate_in_a_patch_body_is_422(team: Team) -> None:
    e = team.write(team.clock.now)
    r = _raw(
        team.client,
        "PATCH",
        f"/v1/entries/{e['id']}",
        f'{{"body": "{LONE}"}}',
        team.ph | {"If-Match": '"v1"'},
    )
    assert_problem(r, 422, "validation_failed")


def test_lone_low_surrogate_in_a_review_note_is_422(team: Team) -> None:
    e = team.write(team.clock.now)
    r = _raw(
        team.client,
        "PUT",
        f"/v1/entries/{e['id']}/review",
        '{"discuss": false, "note": "x\\udc00"}',
        team.th,
    )
    assert_problem(r, 422, "validation_failed")


def test_a_proper_surrogate_pair_is_ordinary_text(team: Team) -> None:
    body = f'{{"body": "ok \\ud83d\\ude00", "written_at": "{iso(team.clock.now)}"}}'
    r = _raw(team.client, "POST", "/v1/entries", body, team.ph)
    assert r.status_code == 201, r.text
    assert r.json()["body"] == "ok \U0001f600"


def _json_routes(app: FastAPI) -> list[tuple[str, str]]:
    out = []
    for route in app.routes:
        if isinstance(route, APIRoute) and route.body_field is not None:
            out.extend((m, route.path) for m in route.methods)
    return sorted(out)


def test_every_route_with_a_body_refuses_a_lone_surrogate_anywhere(
    app: FastAPI, client: TestClient
) -> None:
    """A surrogate in a key, deep in a list or in any field: 422 before any handler runs."""
    fake = {"patient_id": uuid.uuid4(), "entry_id": uuid.uuid4(), "session_id": uuid.uuid4()}
    bodies = [f'{{"x": "{LONE}"}}', f'{{"{LONE}": 1}}', f'{{"a": [[{{"b": ["{LONE}"]}}]]}}']
    for method, path in _json_routes(app):
        url = path.format_map({k: str(uuid.uuid4()) for k in _params(path)} | fake)
        for body in bodies:
            r = _raw(client, method, url, body, {})
            assert r.status_code == 422, (method, path, r.status_code)


def _params(path: str) -> list[str]:
    import re

    return re.findall(r"{(\w+)}", path)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefix=st.text(max_size=20),
    code=st.integers(min_value=0xD800, max_value=0xDFFF),
    field=st.sampled_from(["body", "written_at", "mood", "prompt_id", "id", "extra"]),
)
def test_fuzzed_surrogates_in_entry_fields_never_answer_500(
    team: Team, prefix: str, code: int, field: str
) -> None:
    import json

    doc = {"body": "text", "written_at": iso(team.clock.now)}
    doc[field] = prefix + chr(code)
    raw = json.dumps(doc)  # ensure_ascii spells the surrogate as an escape
    r = _raw(team.client, "POST", "/v1/entries", raw, team.ph)
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("year", [1, 9999])
def test_cursor_times_near_the_ends_of_the_calendar_are_400(
    team: Team,
    db: Session,
    login,
    year: int,  # type: ignore[no-untyped-def]
) -> None:
    at = datetime(year, 1, 1, tzinfo=UTC) if year == 1 else datetime(9999, 12, 31, 23, tzinfo=UTC)
    cursor = encode_cursor(at, uuid.uuid4())
    admin = login(make_admin(db))
    for path, headers in (
        ("/v1/entries", team.ph),
        ("/v1/me/notifications", team.ph),
        ("/v1/audit", admin),
        (f"/v1/patients/{team.patient.id}/entries", team.th),
    ):
        r = team.client.get(path, params={"cursor": cursor}, headers=headers)
        assert_problem(r, 410, "invalid_cursor")


@pytest.mark.parametrize("since", [2**63, 2**64 + 5, -1, 10**40])
def test_sync_tokens_outside_the_counter_range_are_410(team: Team, since: int) -> None:
    import base64

    token = base64.urlsafe_b64encode(f"[{since}]".encode()).decode().rstrip("=")
    r = team.client.get("/v1/entries/sync", params={"since": token}, headers=team.ph)
    assert_problem(r, 410, "invalid_cursor")


@pytest.mark.parametrize(
    "exc", [OverflowError("int too large"), UnicodeEncodeError("utf-8", "\ud800", 0, 1, "x")]
)
def test_values_nothing_can_hold_are_422_not_500(app: FastAPI, exc: Exception) -> None:
    """The safety net behind validation, for the cases no field check foresaw."""

    def overflow() -> None:
        raise exc

    app.add_api_route("/boom-range", overflow)
    with TestClient(app, raise_server_exceptions=False) as c:
        assert_problem(c.get("/boom-range"), 422, "value_out_of_range")


def test_huge_integers_in_query_and_body_are_422(team: Team) -> None:
    r = team.client.get("/v1/entries", params={"limit": 2**70}, headers=team.ph)
    assert_problem(r, 422, "validation_failed")
    r = team.client.post(
        "/v1/entries",
        json={"body": "x", "written_at": iso(team.clock.now), "mood": 2**70},
        headers=team.ph,
    )
    assert_problem(r, 422, "validation_failed")
