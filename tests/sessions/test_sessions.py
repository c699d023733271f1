"""Recording, listing, correcting and removing ketamine sessions; the open window."""

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.conftest import Clock
from tests.factories import make_admin, make_patient, make_therapist


def iso(dt) -> str:  # type: ignore[no-untyped-def]
    return dt.isoformat().replace("+00:00", "Z")


@pytest.fixture
def team(db: Session, login):  # type: ignore[no-untyped-def]
    patient = make_patient(db)
    therapist = make_therapist(db, patients=(patient,))
    return patient, therapist, login(therapist)


def test_care_team_records_a_session_with_its_window(
    client: TestClient, team, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    patient, therapist, headers = team
    at = clock.now - timedelta(hours=3)
    r = client.post(
        f"/v1/patients/{patient.id}/sessions",
        json={"administered_at": at.isoformat(), "route": "iv", "dose_mg": 35.5, "note": "calm"},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["recorded_by"] == str(therapist.id)
    assert body["window"] == {
        "opens_at": iso(at),
        "closes_at": iso(at + timedelta(hours=48)),
        "integration_starts_at": iso(at + timedelta(hours=24)),
        "integration_ends_at": iso(at + timedelta(hours=48)),
    }


@pytest.mark.parametrize(
    "patch",
    [
        {"administered_at": "2026-03-02T10:00:00"},  # naive
        {"route": "inhaled"},
        {"dose_mg": 0},
        {"dose_mg": 1000.5},
        {"note": "x" * 2001},
        {"surprise": True},
    ],
)
def test_invalid_sessions_are_422(client: TestClient, team, patch: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    patient, _, headers = team
    body = {"administered_at": "2026-03-02T10:00:00Z", "route": "im"} | patch
    r = client.post(f"/v1/patients/{patient.id}/sessions", json=body, headers=headers)
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"


def test_a_session_may_not_start_more_than_five_minutes_ahead(
    client: TestClient, team, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    patient, _, headers = team
    url = f"/v1/patients/{patient.id}/sessions"
    ok = client.post(
        url,
        json={"administered_at": iso(clock.now + timedelta(minutes=5)), "route": "im"},
        headers=headers,
    )
    assert ok.status_code == 201
    r = client.post(
        url,
        json={"administered_at": iso(clock.now + timedelta(minutes=5, seconds=1)), "route": "im"},
        headers=headers,
    )
    assert r.status_code == 409
    assert r.json()["code"] == "session_in_future"
    assert "server's clock" in r.json()["detail"]


def test_two_sessions_at_one_instant_conflict(client: TestClient, team, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    patient, _, headers = team
    body = {"administered_at": iso(clock.now - timedelta(hours=1)), "route": "im"}
    assert (
        client.post(f"/v1/patients/{patient.id}/sessions", json=body, headers=headers).status_code
        == 201
    )
    r = client.post(f"/v1/patients/{patient.id}/sessions", json=body, headers=headers)
    assert r.status_code == 409
    assert r.json()["code"] == "session_time_taken"


def test_patients_record_sessions_only_where_the_clinic_allows(
    client: TestClient,
    db: Session,
    login,
    settings,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    patient = make_patient(db)
    body = {"administered_at": iso(clock.now - timedelta(hours=1)), "route": "sublingual"}
    r = client.post(f"/v1/patients/{patient.id}/sessions", json=body, headers=login(patient))
    assert r.status_code == 403
    assert r.json()["code"] == "self_report_disabled"
    settings.allow_self_reported_sessions = True
    r = client.post(f"/v1/patients/{patient.id}/sessions", json=body, headers=login(patient))
    assert r.status_code == 201
    assert r.json()["is_self_reported"] is True


def test_strangers_get_404_on_every_session_route(
    client: TestClient, db: Session, team, login, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    patient, _, headers = team
    body = {"administered_at": iso(clock.now - timedelta(hours=1)), "route": "im"}
    session_id = client.post(
        f"/v1/patients/{patient.id}/sessions", json=body, headers=headers
    ).json()["id"]
    for stranger in (make_therapist(db), make_patient(db), make_admin(db)):
        h = login(stranger)
        other = {"administered_at": iso(clock.now - timedelta(hours=2)), "route": "im"}
        assert (
            client.post(f"/v1/patients/{patient.id}/sessions", json=other, headers=h).status_code
            == 404
        )
        assert client.get(f"/v1/patients/{patient.id}/sessions", headers=h).status_code == 404
        assert (
            client.patch(f"/v1/sessions/{session_id}", json={"route": "iv"}, headers=h).status_code
            == 404
        )
        assert client.delete(f"/v1/sessions/{session_id}", headers=h).status_code == 404
        random = client.delete(f"/v1/sessions/{uuid.uuid4()}", headers=h)
        assert random.status_code == 404
    for method, path in [
        ("GET", f"/v1/patients/{patient.id}/sessions"),
        ("PATCH", f"/v1/sessions/{session_id}"),
        ("GET", "/v1/me/window"),
    ]:
        assert client.request(method, path, json={}).status_code == 401


def test_the_patient_may_read_but_not_correct_sessions(
    client: TestClient, team, login, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    patient, _, headers = team
    body = {"administered_at": iso(clock.now - timedelta(hours=1)), "route": "im"}
    session_id = client.post(
        f"/v1/patients/{patient.id}/sessions", json=body, headers=headers
    ).json()["id"]
    ph = login(patient)
    assert client.get(f"/v1/patients/{patient.id}/sessions", headers=ph).status_code == 200
    assert (
        client.patch(f"/v1/sessions/{session_id}", json={"route": "iv"}, headers=ph).status_code
        == 403
    )
    assert client.delete(f"/v1/sessions/{session_id}", headers=ph).status_code == 403


def test_stacked_sessions_close_the_earlier_window(client: TestClient, team, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    patient, _, headers = team
    first = clock.now - timedelta(hours=40)
    second = clock.now - timedelta(hours=10)
    for at in (first, second):
        client.post(
            f"/v1/patients/{patient.id}/sessions",
            json={"administered_at": iso(at), "route": "im"},
            headers=headers,
        )
    listed = client.get(f"/v1/patients/{patient.id}/sessions", headers=headers).json()
    assert [s["administered_at"] for s in listed] == [iso(second), iso(first)]
    assert listed[1]["window"]["closes_at"] == iso(second)
    assert listed[0]["window"]["closes_at"] == iso(second + timedelta(hours=48))
    assert listed[0]["counts"] == {"entries": 0, "unreviewed": 0, "flagged": 0}


def test_correcting_and_removing_a_session(client: TestClient, team, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    patient, _, headers = team
    at = clock.now - timedelta(hours=5)
    sid = client.post(
        f"/v1/patients/{patient.id}/sessions",
        json={"administered_at": iso(at), "route": "im"},
        headers=headers,
    ).json()["id"]
    moved = at - timedelta(hours=1)
    r = client.patch(
        f"/v1/sessions/{sid}", json={"administered_at": iso(moved), "dose_mg": 50}, headers=headers
    )
    assert r.status_code == 200
    assert r.json()["window"]["opens_at"] == iso(moved)
    assert r.json()["dose_mg"] == 50
    assert client.delete(f"/v1/sessions/{sid}", headers=headers).status_code == 204
    assert client.get(f"/v1/patients/{patient.id}/sessions", headers=headers).json() == []


def test_my_window_open_and_closed(client: TestClient, team, login, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    patient, _, headers = team
    ph = login(patient)
    assert client.get("/v1/me/window", headers=ph).json() == {"open": False} | dict.fromkeys(
        (
            "session_id",
            "opens_at",
            "closes_at",
            "phase",
            "hours_since_session",
            "hours_left",
            "integration_starts_at",
            "integration_ends_at",
            "acute_ends_at",
            "integration_session",
        )
    )
    at = clock.now - timedelta(hours=30)
    sid = client.post(
        f"/v1/patients/{patient.id}/sessions",
        json={"administered_at": iso(at), "route": "im"},
        headers=headers,
    ).json()["id"]
    w = client.get("/v1/me/window", headers=ph).json()
    assert w["open"] is True
    assert w["session_id"] == sid
    assert w["phase"] == "integration"
    assert w["hours_since_session"] == 30
    assert w["hours_left"] == 18
    clock.advance(hours=18)
    assert client.get("/v1/me/window", headers=login(patient)).json()["open"] is False


def test_my_window_is_for_patients(client: TestClient, team) -> None:  # type: ignore[no-untyped-def]
    _, _, headers = team
    assert client.get("/v1/me/window", headers=headers).status_code == 403


def test_required_session_fields_cannot_be_nulled(client: TestClient, team, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    patient, _, headers = team
    body = {"administered_at": iso(clock.now - timedelta(hours=1)), "route": "im", "dose_mg": 20}
    sid = client.post(f"/v1/patients/{patient.id}/sessions", json=body, headers=headers).json()[
        "id"
    ]
    bad = {"administered_at": "9999-12-31T23:00:00-05:00"}
    assert client.patch(f"/v1/sessions/{sid}", json=bad, headers=headers).status_code == 409
    # Merge patch: null cannot remove a required field, so it leaves it as it is.
    for kept in ({"administered_at": None}, {"route": None}):
        r = client.patch(f"/v1/sessions/{sid}", json=kept, headers=headers)
        assert (r.status_code, r.json()["route"]) == (200, "im"), kept
    cleared = client.patch(f"/v1/sessions/{sid}", json={"dose_mg": None}, headers=headers)
    assert cleared.status_code == 200
    assert cleared.json()["dose_mg"] is None


def test_session_list_paging_needs_an_aware_time(client: TestClient, team) -> None:  # type: ignore[no-untyped-def]
    patient, _, headers = team
    url = f"/v1/patients/{patient.id}/sessions"
    assert (
        client.get(url, params={"before": "2026-03-01T00:00:00"}, headers=headers).status_code
        == 422
    )
    assert (
        client.get(url, params={"before": "2026-03-01T00:00:00Z"}, headers=headers).status_code
        == 200
    )
