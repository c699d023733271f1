"""User administration and care teams (admin only)."""

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import CareTeamMember, Role, User
from app.audit.models import AuditEvent
from tests.factories import make_admin, make_patient, make_therapist

NEW_USER = {
    "email": "New.Patient@Clinic.example.org",
    "role": "patient",
    "display_name": "New Patient",
    "timezone": "Europe/Berlin",
}


def test_admin_creates_a_user(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/v1/users", json=NEW_USER, headers=login(make_admin(db)))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["email"] == "new.patient@clinic.example.org"
    assert body["role"] == "patient"
    assert body["timezone"] == "Europe/Berlin"
    stored = db.exec(select(User).where(User.id == uuid.UUID(body["id"]))).one()
    assert stored.password_hash == ""  # set by the person, with the invitation


def test_email_is_unique_whatever_its_case(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    headers = login(make_admin(db))
    assert client.post("/v1/users", json=NEW_USER, headers=headers).status_code == 201
    again = {**NEW_USER, "email": NEW_USER["email"].upper()}
    r = client.post("/v1/users", json=again, headers=headers)
    assert r.status_code == 409
    assert r.json()["code"] == "email_taken"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("timezone", "Mars/Olympus"),
        ("email", "not-an-email"),
        ("password", "a-password-set-by-the-admin"),
        ("role", "superuser"),
        ("display_name", ""),
        ("display_name", "nul\x00name"),
        ("extra", "field"),
    ],
)
def test_invalid_user_fields_are_422(
    client: TestClient,
    db: Session,
    login,  # type: ignore[no-untyped-def]
    field: str,
    value: str,
) -> None:
    r = client.post("/v1/users", json={**NEW_USER, field: value}, headers=login(make_admin(db)))
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "validation_failed"
    assert any(e["loc"][-1] == field for e in body["errors"])
    assert db.exec(select(User).where(User.email == NEW_USER["email"].lower())).first() is None


@pytest.mark.parametrize("role", [Role.patient, Role.therapist])
def test_only_admins_manage_users(client: TestClient, db: Session, login, role: Role) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_user

    headers = login(make_user(db, role=role))
    target = make_patient(db)
    assert client.post("/v1/users", json=NEW_USER, headers=headers).status_code == 403
    assert client.get("/v1/users", headers=headers).status_code == 403
    r = client.patch(f"/v1/users/{target.id}", json={"display_name": "X"}, headers=headers)
    assert r.status_code == 403
    therapist = make_therapist(db)
    path = f"/v1/patients/{target.id}/therapists/{therapist.id}"
    assert client.put(path, headers=headers).status_code == 403
    assert client.delete(path, headers=headers).status_code == 403


def test_every_admin_route_needs_a_token(client: TestClient) -> None:
    some = uuid.uuid4()
    for method, path in [
        ("POST", "/v1/users"),
        ("GET", "/v1/users"),
        ("PATCH", f"/v1/users/{some}"),
        ("PUT", f"/v1/patients/{some}/therapists/{some}"),
        ("DELETE", f"/v1/patients/{some}/therapists/{some}"),
        ("GET", "/v1/me"),
        ("POST", "/v1/me/password"),
        ("POST", "/v1/auth/logout"),
    ]:
        r = client.request(method, path, json={})
        assert r.status_code == 401, (method, path)
        assert r.headers["WWW-Authenticate"] == "Bearer"


def test_list_users_filters_by_role_and_pages(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    headers = login(make_admin(db))
    patients = {str(make_patient(db).id) for _ in range(5)}
    make_therapist(db)
    seen: set[str] = set()
    cursor = None
    while True:
        params = {"role": "patient", "limit": 2} | ({"cursor": cursor} if cursor else {})
        r = client.get("/v1/users", params=params, headers=headers)
        assert r.status_code == 200
        page = r.json()
        assert len(page["items"]) <= 2
        assert all(u["role"] == "patient" for u in page["items"])
        seen |= {u["id"] for u in page["items"]}
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == patients


def test_bad_cursor_is_a_clear_410(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    r = client.get(
        "/v1/users", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=login(make_admin(db))
    )
    assert r.status_code == 410
    assert r.json()["code"] == "invalid_cursor"


def test_admin_renames_and_changes_timezone(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    patient = make_patient(db)
    r = client.patch(
        f"/v1/users/{patient.id}",
        json={"display_name": "Renamed", "timezone": "Asia/Tokyo"},
        headers=login(make_admin(db)),
    )
    assert r.status_code == 200
    assert (r.json()["display_name"], r.json()["timezone"]) == ("Renamed", "Asia/Tokyo")


def test_patch_unknown_user_is_404(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    r = client.patch(
        f"/v1/users/{uuid.uuid4()}", json={"display_name": "X"}, headers=login(make_admin(db))
    )
    assert r.status_code == 404
    assert r.json()["code"] == "user_not_found"


def test_care_team_put_and_delete(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    admin = make_admin(db)
    headers = login(admin)
    patient, therapist = make_patient(db), make_therapist(db)
    path = f"/v1/patients/{patient.id}/therapists/{therapist.id}"
    assert client.put(path, headers=headers).status_code == 204
    assert client.put(path, headers=headers).status_code == 204  # idempotent
    members = db.exec(select(CareTeamMember).where(CareTeamMember.patient_id == patient.id)).all()
    assert [m.therapist_id for m in members] == [therapist.id]
    assert client.delete(path, headers=headers).status_code == 204
    db.expire_all()
    assert (
        db.exec(select(CareTeamMember).where(CareTeamMember.patient_id == patient.id)).all() == []
    )
    actions = db.exec(
        select(AuditEvent.action).where(
            AuditEvent.patient_id == patient.id, AuditEvent.actor_id == admin.id
        )
    ).all()
    assert sorted(actions) == ["care_team.add", "care_team.add", "care_team.remove"]


def test_care_team_needs_a_patient_and_a_therapist(client: TestClient, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    headers = login(make_admin(db))
    patient, therapist = make_patient(db), make_therapist(db)
    swapped = f"/v1/patients/{therapist.id}/therapists/{patient.id}"
    assert client.put(swapped, headers=headers).status_code == 404
    missing = f"/v1/patients/{uuid.uuid4()}/therapists/{therapist.id}"
    assert client.put(missing, headers=headers).status_code == 404
