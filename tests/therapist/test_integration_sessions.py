"""Integration sessions inside the recommended range."""

from datetime import timedelta

from sqlmodel import Session, select

from app.notifications.models import Notification
from tests.entries.conftest import Team, iso
from tests.factories import make_admin, make_patient, make_therapist


def test_schedule_move_and_cancel(team: Team, db: Session) -> None:
    at = team.clock.now - timedelta(hours=3)
    sid = team.session(at)
    url = f"/v1/patients/{team.patient.id}/integration-sessions"
    r = team.client.post(
        url,
        json={"session_id": sid, "scheduled_at": iso(at + timedelta(hours=30))},
        headers=team.th,
    )
    assert r.status_code == 201
    item = r.json()
    assert item["within_recommended_range"] is True
    assert item["recommended_from"] == iso(at + timedelta(hours=24))
    moved = team.client.patch(
        f"{url}/{item['id']}", json={"scheduled_at": iso(at + timedelta(hours=50))}, headers=team.th
    )
    assert moved.status_code == 200
    assert moved.json()["within_recommended_range"] is False
    prep = db.exec(select(Notification).where(Notification.kind == "integration_prep")).one()
    assert prep.due_at == at + timedelta(hours=48)
    listed = team.client.get(url, headers=team.ph).json()["items"]
    assert [i["id"] for i in listed] == [item["id"]]
    assert team.client.delete(f"{url}/{item['id']}", headers=team.th).status_code == 204
    assert team.client.get(f"{url}/{item['id']}", headers=team.th).status_code == 404


def test_range_edges(team: Team) -> None:
    at = team.clock.now - timedelta(hours=1)
    sid = team.session(at)
    url = f"/v1/patients/{team.patient.id}/integration-sessions"
    for hours, inside in ((23.99, False), (24, True), (48, True), (48.01, False)):
        r = team.client.post(
            url,
            json={"session_id": sid, "scheduled_at": iso(at + timedelta(hours=hours))},
            headers=team.th,
        )
        assert r.json()["within_recommended_range"] is inside, hours


def test_the_patient_sees_the_next_one_in_their_window(team: Team) -> None:
    at = team.clock.now - timedelta(hours=3)
    sid = team.session(at)
    url = f"/v1/patients/{team.patient.id}/integration-sessions"
    item = team.client.post(
        url,
        json={"session_id": sid, "scheduled_at": iso(at + timedelta(hours=26))},
        headers=team.th,
    ).json()
    window = team.client.get("/v1/me/window", headers=team.ph).json()
    assert window["integration_session"] == {
        "id": item["id"],
        "scheduled_at": iso(at + timedelta(hours=26)),
        "within_recommended_range": True,
    }


def test_only_the_care_team_schedules(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    sid = team.session(team.clock.now - timedelta(hours=3))
    url = f"/v1/patients/{team.patient.id}/integration-sessions"
    body = {"session_id": sid, "scheduled_at": iso(team.clock.now + timedelta(hours=22))}
    item = team.client.post(url, json=body, headers=team.th).json()
    assert team.client.post(url, json=body, headers=team.ph).status_code == 404
    assert (
        team.client.patch(
            f"{url}/{item['id']}", json={"scheduled_at": body["scheduled_at"]}, headers=team.ph
        ).status_code
        == 404
    )
    for stranger in (make_therapist(db), make_patient(db), make_admin(db)):
        h = login(stranger)
        assert team.client.post(url, json=body, headers=h).status_code == 404
        assert team.client.get(url, headers=h).status_code == 404
        assert team.client.get(f"{url}/{item['id']}", headers=h).status_code == 404
        assert team.client.delete(f"{url}/{item['id']}", headers=h).status_code == 404
    other = make_patient(db)
    foreign = team.client.post(url, json=body | {"session_id": str(other.id)}, headers=team.th)
    assert foreign.status_code == 404


def test_no_prep_reminder_for_an_integration_session_in_the_past(team: Team, db: Session) -> None:
    at = team.clock.now - timedelta(hours=30)
    sid = team.session(at)
    url = f"/v1/patients/{team.patient.id}/integration-sessions"
    past = {"scheduled_at": iso(team.clock.now - timedelta(hours=1))}
    item = team.client.post(url, json=past | {"session_id": sid}, headers=team.th).json()
    assert db.exec(select(Notification).where(Notification.kind == "integration_prep")).all() == []
    soon = iso(team.clock.now + timedelta(hours=1))
    team.client.patch(f"{url}/{item['id']}", json={"scheduled_at": soon}, headers=team.th)
    prep = db.exec(select(Notification).where(Notification.kind == "integration_prep")).one()
    assert (prep.status, prep.due_at) == ("pending", team.clock.now)
    assert team.client.patch(f"{url}/{item['id']}", json=past, headers=team.th).status_code == 200
    prep = db.exec(select(Notification).where(Notification.kind == "integration_prep")).one()
    assert prep.status == "cancelled"
