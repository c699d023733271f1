"""The server takes what the document says it takes, and refuses the rest as documented."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import Clock
from tests.entries.conftest import Team
from tests.factories import make_patient


def test_a_session_time_outside_2000_to_2099_is_a_time_out_of_range_problem(team: Team) -> None:
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/sessions",
        json={"administered_at": "1999-12-31T23:00:00Z", "route": "im"},
        headers=team.th,
    )
    assert r.status_code == 409
    assert r.json()["code"] == "time_out_of_range"
    assert "server's clock" in r.json()["detail"]


def test_a_query_time_outside_the_range_is_a_time_out_of_range_problem(team: Team) -> None:
    r = team.client.get(
        f"/v1/patients/{team.patient.id}/sessions",
        params={"before": "0001-01-01T00:00:00+01:00"},
        headers=team.th,
    )
    assert r.status_code == 409
    assert r.json()["code"] == "time_out_of_range"
    assert "server's clock" in r.json()["detail"]


@pytest.mark.parametrize("cursor", ["not a cursor!", "%%%", "abc=def"])
def test_a_cursor_outside_the_pattern_is_a_validation_problem(team: Team, cursor: str) -> None:
    r = team.client.get("/v1/entries", params={"cursor": cursor}, headers=team.ph)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "cursor"]


@pytest.mark.parametrize("token", ["A", "AAAA", "Z2FyYmFnZQ", "e30=", "W10"])
def test_a_well_formed_token_that_decodes_to_nothing_is_invalid_cursor(
    team: Team, token: str
) -> None:
    for path, param in (("/v1/entries", "cursor"), ("/v1/entries/sync", "since")):
        r = team.client.get(path, params={param: token}, headers=team.ph)
        assert r.status_code == 410, (path, token, r.text)
        assert r.json()["code"] == "invalid_cursor"
        assert "start the list again" in r.json()["detail"]


def test_a_method_the_entry_path_lacks_is_405_with_every_allowed_method(team: Team) -> None:
    r = team.client.patch("/v1/entries/sync", json={}, headers=team.ph)
    assert r.status_code == 405
    assert r.headers["Allow"] == "GET"
    r = team.client.put("/v1/entries", json={}, headers=team.ph)
    assert r.status_code == 405
    assert set(r.headers["Allow"].split(", ")) == {"GET", "POST"}


@pytest.mark.parametrize("field", ["username", "password"])
def test_sign_in_fields_must_not_be_empty(client: TestClient, db: Session, field: str) -> None:
    user = make_patient(db)
    form = {"username": user.email, "password": "whatever-pass"} | {field: ""}
    r = client.post("/v1/auth/token", data=form)
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["body", field]


def test_a_list_index_in_a_field_error_is_a_string(team: Team) -> None:
    r = team.client.post("/v1/entries", json=[1, 2], headers=team.ph)
    assert r.status_code == 422
    assert all(isinstance(part, str) for e in r.json()["errors"] for part in e["loc"])


def test_sync_changes_name_their_kind(team: Team, clock: Clock) -> None:
    a = team.write(clock.now - timedelta(minutes=5))
    b = team.write(clock.now)
    team.client.delete(f"/v1/entries/{a['id']}", headers=team.ph | {"If-Match": '"v1"'})
    changes = team.client.get("/v1/entries/sync", headers=team.ph).json()["changes"]
    kinds = {c["id"]: (c["kind"], c["deleted"]) for c in changes}
    assert kinds == {a["id"]: ("tombstone", True), b["id"]: ("entry", False)}
