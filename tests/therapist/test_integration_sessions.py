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


def test_the_prep_reminder_follows_a_move(team: Team, db: Session) -> None:
    at = team.clock.now - timedelta(hours=30)
    sid = team.session(at)
    url = f"/v1/patients/{team.patient.id}/integration-sessions"
    later = {"scheduled_at": iso(team.clock.now + timedelta(hours=5))}
    item = team.client.post(url, json=later | {"session_id": sid}, headers=team.th).json()
    prep = db.exec(select(Notification).where(Notification.kind == "integration_prep")).one()
    assert prep.due_at == team.clock.now + timedelta(hours=3)
    soon = iso(team.clock.now + timedelta(hours=1))
    team.client.patch(f"{url}/{item['id']}", json={"scheduled_at": soon}, headers=team.th)
    db.expire_all()
    prep = db.exec(select(Notification).where(Notification.kind == "integration_prep")).one()
    assert (prep.status, prep.due_at) == ("pending", team.clock.now)


def test_a_time_before_the_dose_or_in_the_past_is_refused(team: Team) -> None:
    at = team.clock.now + timedelta(minutes=4)  # a session may start a little ahead
    sid = team.session(at)
    url = f"/v1/patients/{team.patient.id}/integration-sessions"
    for when, code in (
        (team.clock.now + timedelta(minutes=2), "integration_session_before_dose"),
        (team.clock.now - timedelta(minutes=1), "integration_session_in_past"),
    ):
        r = team.client.post(
            url, json={"session_id": sid, "scheduled_at": iso(when)}, headers=team.th
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == code
    later = iso(team.clock.now + timedelta(hours=2))
    ok = team.client.post(url, json={"session_id": sid, "scheduled_at": later}, headers=team.th)
    assert ok.status_code == 201
    item = f"{url}/{ok.json()['id']}"
    for when, code in (
        (team.clock.now + timedelta(minutes=3), "integration_session_before_dose"),
        (team.clock.now - timedelta(hours=2), "integration_session_in_past"),
    ):
        r = team.client.patch(item, json={"scheduled_at": iso(when)}, headers=team.th)
        assert r.status_code == 422, r.text
        assert r.json()["code"] == code
    assert team.client.get(item, headers=team.th).json()["scheduled_at"] == later
