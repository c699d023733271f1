"""Acknowledging flags with an outcome, listing them, and the on-call staff."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.core.config import Settings
from app.notifications.models import Notification
from app.safety.models import SafetyFlag
from app.safety.service import raise_flag
from tests.entries.conftest import Team, iso
from tests.factories import make_admin, make_patient, make_therapist

ONCALL = "oncall@clinic.example.org"
ONCALL_ADMIN = "oncall-admin@clinic.example.org"
RISKY = "Some days I want to die."
URGENT = "I bought a rope yesterday."
NOTE = "Called her; she is safe at home with her sister."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"safety_oncall_emails": [ONCALL, ONCALL_ADMIN]})


def _ack(team: Team, flag_id: str, headers: dict[str, str], **body: Any) -> Any:
    payload = {"outcome": "contacted_patient"} | body
    return team.client.post(
        f"/v1/safety-flags/{flag_id}/acknowledge", json=payload, headers=headers
    )


def _flag(db: Session, flag_id: str) -> SafetyFlag:
    db.expire_all()
    flag = db.get(SafetyFlag, uuid.UUID(flag_id))
    assert flag is not None
    return flag


@pytest.mark.parametrize(
    "outcome",
    ["contacted_patient", "safety_plan_reviewed", "emergency_services", "no_risk_found", "other"],
)
def test_a_flag_is_acknowledged_with_each_outcome(team: Team, db: Session, outcome: str) -> None:
    flag_id = team.write(team.clock.now, body=RISKY)["safety"]["flag_id"]
    r = _ack(team, flag_id, team.th, outcome=outcome)
    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == outcome
    assert _flag(db, flag_id).outcome == outcome


def test_the_note_is_returned_but_encrypted_at_rest(team: Team, db: Session) -> None:
    flag_id = team.write(team.clock.now, body=RISKY)["safety"]["flag_id"]
    r = _ack(team, flag_id, team.th, note=NOTE)
    assert r.json()["note"] == NOTE
    stored = _flag(db, flag_id)
    assert stored.note_ciphertext is not None
    assert b"sister" not in stored.note_ciphertext


def test_a_second_acknowledgement_is_409_and_keeps_the_first(team: Team, db: Session) -> None:
    flag_id = team.write(team.clock.now, body=RISKY)["safety"]["flag_id"]
    assert _ack(team, flag_id, team.th, outcome="no_risk_found").status_code == 200
    again = _ack(team, flag_id, team.th, outcome="emergency_services")
    assert again.status_code == 409
    assert again.json()["code"] == "safety_flag_already_acknowledged"
    assert _flag(db, flag_id).outcome == "no_risk_found"


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "called_mum"},
        {"outcome": None},
        {"note": "no outcome"},
        {"outcome": "other", "note": "lone \ud800"},
        {"outcome": "other", "note": "x" * 2001},
        {"outcome": "other", "extra": 1},
    ],
)
def test_bad_acknowledgements_are_422_and_leave_the_flag_open(
    team: Team, db: Session, body: dict[str, Any]
) -> None:
    import json

    flag_id = team.write(team.clock.now, body=RISKY)["safety"]["flag_id"]
    r = team.client.post(
        f"/v1/safety-flags/{flag_id}/acknowledge",
        content=json.dumps(body),
        headers=team.th | {"Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert _flag(db, flag_id).acknowledged_at is None


def test_the_acknowledgement_never_reveals_a_private_entrys_id(team: Team) -> None:
    private = team.write(team.clock.now, body=RISKY, shared_with_care_team=False)
    r = _ack(team, private["safety"]["flag_id"], team.th)
    assert r.json()["entry_id"] is None
    assert r.json()["on_private_entry"] is True
    assert private["id"] not in r.text


def test_the_acknowledgement_never_reveals_a_deleted_entrys_id(team: Team) -> None:
    e = team.write(team.clock.now, body=RISKY)
    headers = team.ph | {"If-Match": '"v1"'}
    assert team.client.delete(f"/v1/entries/{e['id']}", headers=headers).status_code == 204
    r = _ack(team, e["safety"]["flag_id"], team.th)
    assert r.json()["entry_id"] is None
    assert e["id"] not in r.text


def test_the_care_team_sees_a_shared_entrys_id(team: Team) -> None:
    e = team.write(team.clock.now, body=RISKY)
    assert _ack(team, e["safety"]["flag_id"], team.th).json()["entry_id"] == e["id"]


def test_the_care_team_lists_open_then_acknowledged_flags(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    flag_id = team.write(team.clock.now, body=RISKY)["safety"]["flag_id"]
    stranger = make_patient(db)
    raise_flag(db, patient_id=stranger.id, category="ideation", rule="test", now=team.clock.now)
    open_ = team.client.get("/v1/safety-flags", headers=team.th).json()["items"]
    assert [f["id"] for f in open_] == [flag_id]
    assert open_[0]["category"] and open_[0]["rule"]
    _ack(team, flag_id, team.th, note=NOTE)
    assert team.client.get("/v1/safety-flags", headers=team.th).json()["items"] == []
    done = team.client.get("/v1/safety-flags?status=acknowledged", headers=team.th).json()
    assert [(f["id"], f["note"]) for f in done["items"]] == [(flag_id, NOTE)]
    assert team.client.get("/v1/safety-flags", headers=login(make_therapist(db))).json() == {
        "items": [],
        "next_cursor": None,
    }
    listed = db.exec(select(AuditEvent).where(AuditEvent.action == "safety_flag.list")).all()
    assert {e.patient_id for e in listed} == {team.patient.id}


def test_an_unknown_status_is_422(team: Team) -> None:
    r = team.client.get("/v1/safety-flags?status=closed", headers=team.th)
    assert r.status_code == 422


def test_on_call_staff_list_every_patients_flags_without_entry_ids(
    team: Team,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    shared = team.write(team.clock.now, body=RISKY)
    private = team.write(team.clock.now, body=RISKY + " again", shared_with_care_team=False)
    oncall = make_therapist(db, email=ONCALL)
    r = team.client.get("/v1/safety-flags", headers=login(oncall))
    items = r.json()["items"]
    ids = {f["id"] for f in items}
    assert {shared["safety"]["flag_id"], private["safety"]["flag_id"]} <= ids
    assert all(f["entry_id"] is None for f in items)
    assert shared["id"] not in r.text and private["id"] not in r.text
    assert "want to die" not in r.text


def test_on_call_staff_acknowledge_a_flag_of_a_patient_not_theirs(
    team: Team,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    flag_id = team.write(team.clock.now, body=RISKY)["safety"]["flag_id"]
    for email in (ONCALL, ONCALL_ADMIN):
        staff = (make_therapist if email == ONCALL else make_admin)(db, email=email)
        r = _ack(team, flag_id, login(staff), outcome="safety_plan_reviewed")
        assert r.status_code in (200, 409)
        assert r.json().get("entry_id") is None
    assert _flag(db, flag_id).outcome == "safety_plan_reviewed"
    audit = db.exec(select(AuditEvent.action).where(AuditEvent.patient_id == team.patient.id)).all()
    assert "safety_flag.acknowledge" in audit


def test_an_admin_who_is_not_on_call_sees_no_flags(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    flag_id = team.write(team.clock.now, body=RISKY)["safety"]["flag_id"]
    admin = login(make_admin(db))
    listed = team.client.get("/v1/safety-flags", headers=admin)
    assert listed.status_code == 403
    assert listed.json()["code"] == "not_on_call"
    assert _ack(team, flag_id, admin).status_code == 404


def test_a_patient_listed_as_on_call_is_never_on_call(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    flag_id = team.write(team.clock.now, body=RISKY)["safety"]["flag_id"]
    patient = login(make_patient(db, email=ONCALL))
    assert team.client.get("/v1/safety-flags", headers=patient).status_code == 403
    assert _ack(team, flag_id, patient).status_code == 403


def test_a_flag_without_an_entry_shows_in_the_queue_and_the_list(team: Team, db: Session) -> None:
    flag = raise_flag(
        db,
        patient_id=team.patient.id,
        category="ideation",
        rule="cssrs_screener",
        now=team.clock.now,
        source="questionnaire",
        response_id=uuid.uuid4(),
        level="urgent",
    )
    queue = team.client.get("/v1/therapist/queue", headers=team.th).json()["items"][0]
    assert [f["id"] for f in queue["safety_flags"]] == [str(flag.id)]
    [listed] = team.client.get("/v1/safety-flags", headers=team.th).json()["items"]
    assert (listed["source"], listed["level"], listed["entry_id"]) == (
        "questionnaire",
        "urgent",
        None,
    )
    assert listed["on_private_entry"] is False


def test_a_patient_with_no_care_team_is_told_no_care_team_was_alerted(
    team: Team,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    oncall = make_therapist(db, email=ONCALL)
    alone = make_patient(db)
    r = team.client.post(
        "/v1/entries", json={"body": RISKY, "written_at": iso(team.clock.now)}, headers=login(alone)
    )
    safety = r.json()["safety"]
    assert "care team has been alerted" not in safety["message"]
    assert "no one on a care team was alerted" in safety["message"]
    assert (safety["care_team_alerted"], safety["on_call_alerted"]) == (False, True)
    assert safety["care_team_sees"] == "no_care_team"
    assert safety["crisis_resources"]
    rows = db.exec(select(Notification).where(Notification.kind == "safety_flag")).all()
    now_rows = [n for n in rows if n.data["patient_id"] == str(alone.id)]
    assert [(n.user_id, n.due_at) for n in now_rows] == [(oncall.id, team.clock.now)]


def test_escalation_is_planned_for_the_care_team_and_on_call_at_flag_time(
    team: Team, db: Session
) -> None:
    oncall = make_therapist(db, email=ONCALL)
    flag_id = team.write(team.clock.now, body=URGENT)["safety"]["flag_id"]
    planned = db.exec(select(Notification).where(Notification.kind == "safety_escalation")).all()
    assert {n.user_id for n in planned} == {team.therapist.id, oncall.id}
    assert {n.due_at for n in planned} == {team.clock.now + timedelta(minutes=30)}
    assert all(n.data["flag_id"] == flag_id and n.data["urgent"] for n in planned)
    assert all("die" not in n.title + n.body for n in planned)
