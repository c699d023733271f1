"""The audit trail: complete, append-only, readable by the patient and the admin."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from tests.entries.conftest import Team, iso
from tests.factories import NOW, make_admin, make_patient, make_therapist


def test_each_read_by_the_care_team_writes_exactly_one_event(team: Team, db: Session) -> None:
    e = team.write(team.clock.now, body="canary-audit-body-77")
    before = len(db.exec(select(AuditEvent)).all())
    team.client.get(f"/v1/entries/{e['id']}", headers=team.th)
    team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th)
    team.client.get(f"/v1/patients/{team.patient.id}/sessions", headers=team.th)
    events = db.exec(select(AuditEvent).order_by(AuditEvent.occurred_at)).all()
    assert len(events) == before + 3
    assert "canary-audit-body-77" not in str([ev.model_dump() for ev in events])


def test_the_patient_reads_who_accessed_their_data(team: Team) -> None:
    e = team.write(team.clock.now)
    team.client.get(f"/v1/entries/{e['id']}", headers=team.th)
    r = team.client.get("/v1/me/access-log", headers=team.ph)
    assert r.status_code == 200
    items = r.json()["items"]
    assert items[0]["action"] == "entry.read"
    assert items[0]["actor_id"] == str(team.therapist.id)
    assert items[0]["actor_name"] == team.therapist.display_name
    assert items[0]["actor_role"] == "therapist"
    assert team.client.get("/v1/me/access-log", headers=team.th).status_code == 403


def test_the_admin_reads_audit_metadata_only(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    e = team.write(team.clock.now, body="canary-admin-audit")
    read = team.client.get(
        f"/v1/entries/{e['id']}", headers=team.th | {"X-Request-ID": "audit-req-123456"}
    )
    admin = login(make_admin(db))
    r = team.client.get("/v1/audit", params={"patient_id": str(team.patient.id)}, headers=admin)
    assert r.status_code == 200
    items = r.json()["items"]
    reads = [i for i in items if i["action"] == "entry.read"]
    # The server's id is the trusted one; the client's is kept beside it.
    assert [i["request_id"] for i in reads] == [read.headers["X-Request-ID"]]
    assert [i["client_request_id"] for i in reads] == ["audit-req-123456"]
    assert "canary-admin-audit" not in r.text
    for other in (team.ph, team.th, login(make_patient(db)), login(make_therapist(db))):
        assert team.client.get("/v1/audit", headers=other).status_code == 403
    assert team.client.get(f"/v1/entries/{e['id']}", headers=admin).status_code == 404


def test_a_failing_audit_write_fails_the_read(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.audit.auditor as audit_deps

    e = team.write(team.clock.now)

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit_deps, "record_access", broken)
    with pytest.raises(RuntimeError):
        team.client.get(f"/v1/entries/{e['id']}", headers=team.th)
    assert team.client.get(f"/v1/entries/{e['id']}", headers=team.ph).status_code == 200


def test_postgresql_refuses_update_and_delete_of_audit_rows(team: Team, db: Session) -> None:
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    e = team.write(team.clock.now)
    team.client.get(f"/v1/entries/{e['id']}", headers=team.th)
    for sql in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
            db.execute(text(sql))
    assert db.exec(select(AuditEvent)).all() != []


def test_a_queue_of_several_patients_records_one_event_each_with_its_own_id(
    team: Team, db: Session
) -> None:
    from app.accounts.models import CareTeamMember

    others = [make_patient(db).id for _ in range(3)]
    stranger = make_patient(db).id  # not on this therapist's team: never in their trail
    therapist, patient = team.therapist.id, team.patient.id
    for pid in others:
        db.add(CareTeamMember(patient_id=pid, therapist_id=therapist, created_at=NOW))
    db.commit()
    at = iso(team.clock.now - timedelta(hours=3))
    for pid in [patient, *others]:
        r = team.client.post(
            f"/v1/patients/{pid}/sessions",
            json={"administered_at": at, "route": "im"},
            headers=team.th,
        )
        assert r.status_code == 201, r.text
    listed = set()
    for request_id in ("queue-read-000001", "queue-read-000002"):
        r = team.client.get("/v1/therapist/queue", headers=team.th | {"X-Request-ID": request_id})
        assert r.status_code == 200
        listed = {uuid.UUID(i["patient"]["id"]) for i in r.json()["items"]}
        assert listed == {patient, *others}
        db.expire_all()
        events = db.exec(
            select(AuditEvent).where(
                AuditEvent.action == "queue.read",
                AuditEvent.request_id == r.headers["X-Request-ID"],
                AuditEvent.client_request_id == request_id,
            )
        ).all()
        assert sorted(str(e.patient_id) for e in events) == sorted(str(p) for p in listed)
        assert {(e.actor_id, e.actor_role, e.resource_type) for e in events} == {
            (therapist, "therapist", "queue")
        }
    every = db.exec(select(AuditEvent).where(AuditEvent.action == "queue.read")).all()
    assert len({e.id for e in every}) == len(every) == 2 * len(listed)
    assert {uuid.UUID(str(e.id)).version for e in every} == {4}
    assert stranger not in {e.patient_id for e in every}
