"""Flags raised by the text screen, the care team's alert and the safety notice."""

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.notifications.models import Notification
from app.safety.models import SafetyFlag
from tests.entries.conftest import Team, iso
from tests.factories import make_admin, make_patient, make_therapist


def test_safety_notice_for_every_signed_in_user(team: Team) -> None:
    for headers in (team.ph, team.th):
        r = team.client.get("/v1/safety", headers=headers)
        assert r.status_code == 200
        body = r.json()
        assert "not monitored in real time" in body["notice"]
        assert any("988" in c["contact"] for c in body["crisis_resources"])
        assert "not a diagnosis" in body["screening"]
    assert team.client.get("/v1/safety").status_code == 401


def test_a_risky_shared_entry_is_flagged_and_the_care_team_alerted(team: Team, db: Session) -> None:
    e = team.write(team.clock.now, body="Some days I want to die.")
    assert e["safety"]["flagged"] is True
    assert e["safety"]["care_team_sees"] == "entry"
    assert any("988" in c["contact"] for c in e["safety"]["crisis_resources"])
    flags = db.exec(select(SafetyFlag).where(SafetyFlag.patient_id == team.patient.id)).all()
    assert len(flags) == 1
    alerts = db.exec(select(Notification).where(Notification.kind == "safety_flag")).all()
    # A wish to die is for review: the care team is told, without urgency.
    assert [(n.user_id, n.due_at, n.data["urgent"], n.data["level"]) for n in alerts] == [
        (team.therapist.id, team.clock.now, False, "review")
    ]
    assert "die" not in alerts[0].title + alerts[0].body
    # A plain read by the patient carries no safety block.
    assert team.get(e["id"])["safety"] is None


def test_a_private_flagged_entry_tells_the_patient_what_the_team_sees(
    team: Team, db: Session
) -> None:
    e = team.write(
        team.clock.now, body="I keep thinking about suicide.", shared_with_care_team=False
    )
    assert e["safety"]["care_team_sees"] == "flag_only"
    assert "will not see the text" in e["safety"]["message"]
    assert team.client.get(f"/v1/entries/{e['id']}", headers=team.th).status_code == 404
    assert len(db.exec(select(SafetyFlag)).all()) == 1


ORDINARY = (
    "I killed it at work today",
    "This traffic is killing me",
    "I'm dying to see her again",
    "I want to dye my hair blue",
    "Slept well, a walk by the river.",
)


def test_ordinary_entries_are_not_flagged(team: Team, db: Session) -> None:
    for text in ORDINARY:
        assert team.write(team.clock.now, body=text)["safety"] is None
    assert db.exec(select(SafetyFlag)).all() == []


def test_an_edit_that_adds_risk_raises_a_flag(team: Team, db: Session) -> None:
    e = team.write(team.clock.now, body="A quiet day.")
    r = team.client.patch(
        f"/v1/entries/{e['id']}",
        json={"body": "I want to end it all"},
        headers=team.ph | {"If-Match": '"v1"'},
    )
    assert r.status_code == 200
    assert r.json()["safety"]["flagged"] is True
    assert len(db.exec(select(SafetyFlag)).all()) == 1


def test_a_replayed_create_raises_no_second_flag(team: Team, db: Session) -> None:
    import uuid

    body = {"id": str(uuid.uuid4()), "body": "better off dead", "written_at": iso(team.clock.now)}
    first = team.client.post("/v1/entries", json=body, headers=team.ph).json()
    again = team.client.post("/v1/entries", json=body, headers=team.ph).json()
    assert first["safety"]["flag_id"] == again["safety"]["flag_id"]
    assert len(db.exec(select(SafetyFlag)).all()) == 1


def test_the_care_team_acknowledges_a_flag(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    e = team.write(team.clock.now, body="I have been cutting myself again")
    flag_id = e["safety"]["flag_id"]
    url = f"/v1/safety-flags/{flag_id}/acknowledge"
    ack = {"outcome": "contacted_patient"}
    for stranger in (make_therapist(db), make_patient(db), make_admin(db)):
        r = team.client.post(url, json=ack, headers=login(stranger))
        assert r.status_code in (403, 404)
        if stranger.role == "therapist":
            assert r.status_code == 404
    assert team.client.post(url, json=ack, headers=team.ph).status_code == 403
    r = team.client.post(url, json=ack, headers=team.th)
    assert r.status_code == 200
    assert r.json()["acknowledged_by"] == str(team.therapist.id)
    audit = db.exec(select(AuditEvent.action).where(AuditEvent.patient_id == team.patient.id)).all()
    assert "safety_flag.acknowledge" in audit
