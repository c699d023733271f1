"""One door for care-team changes: the patient is told each time, whoever makes it."""

from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.clinic.conftest import Browser, browser  # noqa: F401  (the fixture)
from tests.factories import make_admin, make_patient, make_therapist


def _feed(client: TestClient, headers: dict[str, str]) -> list[dict]:  # type: ignore[type-arg]
    r = client.get("/v1/me/notifications", headers=headers)
    assert r.status_code == 200, r.text
    return [n for n in r.json()["items"] if n["kind"] == "care_team_changed"]


def _log(client: TestClient, headers: dict[str, str]) -> list[str]:
    r = client.get("/v1/me/access-log", headers=headers)
    assert r.status_code == 200, r.text
    return [e["action"] for e in r.json()["items"]]


def test_every_door_tells_the_patient_who_joined_and_left(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    browser: Browser,  # noqa: F811
) -> None:
    patient = make_patient(db)
    therapist = make_therapist(db, email="rivera@Care.Example.org")
    admin = make_admin(db)
    me, admin_h = login(patient), login(admin)
    path = f"/v1/patients/{patient.id}/therapists/{therapist.id}"

    assert client.put(path, headers=admin_h).status_code == 204
    (joined,) = _feed(client, me)
    assert (
        "Test therapist (therapist, care.example.org) joined your care team on" in (joined["body"])
    )
    team = client.get("/v1/me/care-team", headers=me).json()["items"]
    assert [(m["display_name"], m["role"], m["email_domain"]) for m in team] == [
        ("Test therapist", "therapist", "care.example.org")
    ]
    assert team[0]["joined_at"]

    assert client.delete(path, headers=admin_h).status_code == 204
    assert len(_feed(client, me)) == 2
    assert client.get("/v1/me/care-team", headers=me).json()["items"] == []

    # The clinic's forms go through the same function.
    browser.sign_in(admin)
    form = {"patient_id": str(patient.id), "therapist_id": str(therapist.id)}
    assert browser.post("/clinic/admin/care-teams", form).status_code == 303
    assert len(_feed(client, me)) == 3
    assert browser.post("/clinic/admin/care-teams/remove", form).status_code == 303
    feed = _feed(client, me)
    assert len(feed) == 4
    assert sum("left it" in n["body"] for n in feed) == 2
    assert _log(client, me).count("care_team.add") == 2
    assert _log(client, me).count("care_team.remove") == 2
