"""Every read or change by the care team writes exactly one audit event, without text."""

from collections.abc import Callable
from datetime import timedelta

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from tests.entries.conftest import Team, iso
from tests.factories import make_admin

CANARY = "canary-7f3a journal words"
NOTE = "canary-note-91c2"


def _events(db: Session) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).order_by(col(AuditEvent.occurred_at))).all())


def _exactly_one(
    team: Team, db: Session, call: Callable[[], httpx.Response], action: str, actor_id: object
) -> None:
    before = {e.id for e in _events(db)}
    r = call()
    assert r.is_success, (action, r.status_code, r.text)
    new = [e for e in _events(db) if e.id not in before]
    assert [(e.action, e.actor_id, e.patient_id) for e in new] == [
        (action, actor_id, team.patient.id)
    ]
    assert new[0].request_id == r.headers["X-Request-ID"]
    for e in new:
        dumped = str(e.model_dump())
        assert "canary" not in dumped


def test_each_care_team_call_writes_exactly_one_event(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    at = team.clock.now - timedelta(hours=26)
    sid = team.session(at)
    e = team.write(at + timedelta(hours=1), body=CANARY, mood=4)
    flagged = team.write(at + timedelta(hours=2), body="I want to die " + CANARY)
    c, th, pid = team.client, team.th, team.patient.id
    integ = f"/v1/patients/{pid}/integration-sessions"
    item: dict[str, str] = {}

    def schedule() -> httpx.Response:
        body = {"session_id": sid, "scheduled_at": iso(at + timedelta(hours=30))}
        r = c.post(integ, json=body, headers=th)
        item.update(r.json())
        return r

    calls: list[tuple[str, Callable[[], httpx.Response]]] = [
        ("entry.read", lambda: c.get(f"/v1/entries/{e['id']}", headers=th)),
        ("entry.list", lambda: c.get(f"/v1/patients/{pid}/entries", headers=th)),
        ("session.list", lambda: c.get(f"/v1/patients/{pid}/sessions", headers=th)),
        (
            "session.summary",
            lambda: c.get(f"/v1/patients/{pid}/sessions/{sid}/summary", headers=th),
        ),
        (
            "entry.review",
            lambda: c.put(f"/v1/entries/{e['id']}/review", json={"note": NOTE}, headers=th),
        ),
        (
            "safety_flag.acknowledge",
            lambda: c.post(
                f"/v1/safety-flags/{flagged['safety']['flag_id']}/acknowledge",
                json={"outcome": "no_risk_found"},
                headers=th,
            ),
        ),
        ("integration.create", schedule),
        ("integration.list", lambda: c.get(integ, headers=th)),
        ("integration.read", lambda: c.get(f"{integ}/{item['id']}", headers=th)),
        (
            "integration.update",
            lambda: c.patch(
                f"{integ}/{item['id']}",
                json={"scheduled_at": iso(at + timedelta(hours=40))},
                headers=th,
            ),
        ),
        ("queue.read", lambda: c.get("/v1/therapist/queue", headers=th)),
        ("prompt.list_assignments", lambda: c.get(f"/v1/patients/{pid}/prompts", headers=th)),
        ("integration.delete", lambda: c.delete(f"{integ}/{item['id']}", headers=th)),
    ]
    for action, call in calls:
        _exactly_one(team, db, call, action, team.therapist.id)
    admin = make_admin(db)
    ah = login(admin)
    _exactly_one(
        team,
        db,
        lambda: c.get("/v1/audit", params={"patient_id": str(pid)}, headers=ah),
        "audit.read",
        admin.id,
    )


def test_the_patients_own_reads_write_no_event(team: Team, db: Session) -> None:
    sid = team.session(team.clock.now - timedelta(hours=3))
    e = team.write(team.clock.now, body=CANARY)
    before = len(_events(db))
    c, ph, pid = team.client, team.ph, team.patient.id
    for url in (
        f"/v1/entries/{e['id']}",
        "/v1/entries",
        f"/v1/patients/{pid}/sessions",
        f"/v1/patients/{pid}/integration-sessions",
        "/v1/me/window",
        "/v1/me/access-log",
    ):
        assert c.get(url, headers=ph).status_code == 200, url
    assert len(_events(db)) == before
    assert sid


def test_a_failing_audit_insert_fails_the_read_and_leaks_nothing(
    team: Team, app: FastAPI, engine: Engine
) -> None:
    e = team.write(team.clock.now, body=CANARY)

    def refuse(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            raise RuntimeError("the audit store refused the write")

    event.listen(engine, "before_cursor_execute", refuse)
    try:
        with TestClient(app, raise_server_exceptions=False) as quiet:
            r = quiet.get(f"/v1/entries/{e['id']}", headers=team.th)
            listed = quiet.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th)
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    for failed in (r, listed):
        assert failed.status_code == 500
        assert failed.headers["content-type"].startswith("application/problem+json")
        assert "canary" not in failed.text
    assert team.client.get(f"/v1/entries/{e['id']}", headers=team.th).status_code == 200


def test_the_patient_sees_the_admins_audit_read(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    e = team.write(team.clock.now)
    team.client.get(f"/v1/entries/{e['id']}", headers=team.th)
    team.clock.advance(seconds=1)
    admin = make_admin(db)
    team.client.get("/v1/audit", params={"patient_id": str(team.patient.id)}, headers=login(admin))
    items = team.client.get("/v1/me/access-log", headers=team.ph).json()["items"]
    assert [(i["action"], i["actor_role"]) for i in items][:2] == [
        ("audit.read", "admin"),
        ("entry.read", "therapist"),
    ]
