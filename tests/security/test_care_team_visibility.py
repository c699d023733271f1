"""A patient sees who joins or leaves their care team, and who read their data."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from tests.factories import make_admin, make_patient, make_therapist


def test_adding_a_therapist_tells_the_patient_in_the_feed(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    patient, therapist = make_patient(db), make_therapist(db)
    admin = login(make_admin(db))
    r = client.put(f"/v1/patients/{patient.id}/therapists/{therapist.id}", headers=admin)
    assert r.status_code == 204
    feed = client.get("/v1/me/notifications", headers=login(patient)).json()["items"]
    assert [(i["kind"], i["body"].split(" on ")[0]) for i in feed] == [
        (
            "care_team_changed",
            f"{therapist.display_name} (therapist, clinic.example.org) joined your care team",
        )
    ]
    events = db.exec(select(AuditEvent).where(AuditEvent.patient_id == patient.id)).all()
    assert [e.action for e in events] == ["care_team.add"]


def test_removing_a_therapist_tells_the_patient_too(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    patient = make_patient(db)
    therapist = make_therapist(db, patients=(patient,))
    admin = login(make_admin(db))
    client.delete(f"/v1/patients/{patient.id}/therapists/{therapist.id}", headers=admin)
    feed = client.get("/v1/me/notifications", headers=login(patient)).json()["items"]
    assert [i["body"].endswith(", left it.") for i in feed] == [True]
    assert feed[0]["body"].startswith(f"{therapist.display_name} (therapist, clinic.example.org)")


def test_putting_the_same_therapist_again_tells_nobody_twice(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    patient = make_patient(db)
    therapist = make_therapist(db, patients=(patient,))
    admin = login(make_admin(db))
    client.put(f"/v1/patients/{patient.id}/therapists/{therapist.id}", headers=admin)
    assert client.get("/v1/me/notifications", headers=login(patient)).json()["items"] == []


def test_the_access_log_shows_name_role_and_the_staff_email_as_handle(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    patient = make_patient(db)
    therapist = make_therapist(db, patients=(patient,))
    client.get(f"/v1/patients/{patient.id}/sessions", headers=login(therapist))
    items = client.get("/v1/me/access-log", headers=login(patient)).json()["items"]
    assert (items[0]["actor_name"], items[0]["actor_role"], items[0]["actor_handle"]) == (
        therapist.display_name,
        "therapist",
        therapist.email,
    )
