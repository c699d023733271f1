"""Closing an account erases what is the patient's alone and keeps the clinic's record
until its retention ends; a legal hold stops every purge (test clock, rows read directly)."""

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from app.closure.jobs import erase_closed, purge_closed
from app.core.config import Settings
from app.entries.models import JournalEntry
from tests.entries.conftest import Team

SECRET = "zebra-quartz-private-thought"


def _close(team: Team) -> Any:
    r = team.client.post("/v1/me/closure", headers=team.ph)
    assert r.status_code == 202, r.text
    return r.json()


def _every_value(db: Session) -> list[Any]:
    values: list[Any] = []
    for table in SQLModel.metadata.sorted_tables:
        for row in db.execute(sa.select(table)).all():
            values.extend(row)
    return values


def _setup(team: Team) -> tuple[dict, dict]:
    team.session(team.clock.now - timedelta(hours=1))
    private = team.client.post(
        "/v1/entries",
        json={
            "body": SECRET,
            "written_at": team.clock.now.isoformat(),
            "shared_with_care_team": False,
        },
        headers=team.ph | {"Idempotency-Key": "k-private"},
    ).json()
    kept = team.write(team.clock.now, body="reviewed for the record")
    r = team.client.put(f"/v1/entries/{kept['id']}/review", json={"discuss": True}, headers=team.th)
    assert r.status_code == 200
    return private, kept


def test_closure_answers_what_is_erased_and_kept_and_ends_every_sign_in(team: Team) -> None:
    body = _close(team)
    assert body["erased"] and body["retained"]
    assert all(item["why"] for item in body["erased"] + body["retained"])
    assert any("7 years" in (item["until"] or "") for item in body["retained"])
    assert team.client.get("/v1/me", headers=team.ph).status_code == 401
    assert team.client.post("/v1/me/closure", headers=team.ph).status_code == 401


def test_erasure_leaves_no_trace_of_the_erased_text_in_any_table(
    team: Team, db: Session, settings: Settings
) -> None:
    private, kept = _setup(team)
    row = db.get(JournalEntry, uuid.UUID(private["id"]))
    assert row is not None
    cipher, fingerprint = row.body_ciphertext, row.request_hash
    _close(team)
    assert erase_closed(db, settings, team.clock.now + timedelta(hours=1)) == 1
    db.expire_all()
    values = _every_value(db)
    assert cipher not in values
    assert fingerprint not in values
    assert not any(isinstance(v, str) and SECRET in v for v in values)
    assert not any(isinstance(v, str) and team.patient.email == v for v in values)
    still = db.get(JournalEntry, uuid.UUID(kept["id"]))
    assert still is not None and still.body_ciphertext is not None


def test_the_record_is_purged_after_the_retention_years_not_before(
    team: Team, db: Session, settings: Settings
) -> None:
    _, kept = _setup(team)
    _close(team)
    erase_closed(db, settings, team.clock.now)
    assert purge_closed(db, settings, team.clock.now + timedelta(days=365 * 7 - 5)) == 0
    assert purge_closed(db, settings, team.clock.now + timedelta(days=365 * 7 + 5)) == 1
    db.expire_all()
    assert db.get(JournalEntry, uuid.UUID(kept["id"])) is None


def test_a_legal_hold_stops_every_purge_until_lifted(
    team: Team, db: Session, settings: Settings, admin_h: dict
) -> None:
    _, kept = _setup(team)
    hold = team.client.post(
        f"/v1/patients/{team.patient.id}/legal-hold", json={"reason": "Case 114"}, headers=admin_h
    )
    assert hold.status_code == 201
    _close(team)
    later = team.clock.now + timedelta(days=365 * 8)
    assert erase_closed(db, settings, later) == 0
    assert purge_closed(db, settings, later) == 0
    r = team.client.delete(f"/v1/patients/{team.patient.id}/legal-hold", headers=admin_h)
    assert r.status_code == 204
    assert erase_closed(db, settings, later) == 1
    assert purge_closed(db, settings, later) == 1
    db.expire_all()
    assert db.get(JournalEntry, uuid.UUID(kept["id"])) is None


def test_nobody_can_delete_audit_rows_through_the_api(team: Team, admin_h: dict) -> None:
    r = team.client.delete("/v1/audit", headers=admin_h)
    assert r.status_code == 405
