"""Push tokens and the in-app feed."""

import uuid
from datetime import timedelta

from sqlmodel import Session, select

from app.notifications.models import Device, Notification
from app.notifications.outbox import enqueue
from tests.entries.conftest import Team
from tests.factories import make_patient

APNS_TOKEN = "5f" * 32


def test_register_and_drop_a_device(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    r = team.client.post(
        "/v1/me/devices", json={"platform": "ios", "token": APNS_TOKEN}, headers=team.ph
    )
    assert r.status_code == 201
    device_id = r.json()["id"]
    again = team.client.post(
        "/v1/me/devices", json={"platform": "ios", "token": APNS_TOKEN}, headers=team.ph
    )
    assert again.json()["id"] == device_id
    assert len(db.exec(select(Device)).all()) == 1
    other = login(make_patient(db))
    assert team.client.delete(f"/v1/me/devices/{device_id}", headers=other).status_code == 404
    assert team.client.delete(f"/v1/me/devices/{device_id}", headers=team.ph).status_code == 204
    assert team.client.delete(f"/v1/me/devices/{uuid.uuid4()}", headers=team.ph).status_code == 404
    for bad in (
        {"platform": "web", "token": "abcdefgh"},
        {"platform": "ios", "token": "x"},
        {"platform": "ios"},
    ):
        assert team.client.post("/v1/me/devices", json=bad, headers=team.ph).status_code == 422
    assert (
        team.client.post(
            "/v1/me/devices", json={"platform": "ios", "token": "abcdefgh"}
        ).status_code
        == 401
    )


def test_feed_shows_due_notifications_newest_first(team: Team, db: Session) -> None:
    now = team.clock.now
    for i, kind in enumerate(["a", "b", "c"]):
        enqueue(
            db,
            user_id=team.patient.id,
            kind=kind,
            dedupe_key=f"{kind}:{team.patient.id}",
            due_at=now - timedelta(minutes=10 - i),
            title="kap-journal",
            body="You have a journaling reminder.",
            now=now,
        )
    enqueue(
        db,
        user_id=team.patient.id,
        kind="later",
        dedupe_key=f"later:{team.patient.id}",
        due_at=now + timedelta(hours=1),
        title="t",
        body="b",
        now=now,
    )
    page = team.client.get("/v1/me/notifications", params={"limit": 2}, headers=team.ph).json()
    assert [n["kind"] for n in page["items"]] == ["c", "b"]
    rest = team.client.get(
        "/v1/me/notifications", params={"cursor": page["next_cursor"]}, headers=team.ph
    ).json()
    assert [n["kind"] for n in rest["items"]] == ["a"]
    assert team.client.get("/v1/me/notifications", headers=team.th).json()["items"] == []
    assert len(db.exec(select(Notification)).all()) == 4
