"""Consent gates sharing with the care team, and nothing else."""

from datetime import timedelta

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.consent.models import ConsentDecision
from app.notifications.models import Notification
from tests.consent.conftest import decide, publish
from tests.entries.conftest import Team


def test_a_clinic_that_published_nothing_requires_nothing(team: Team) -> None:
    entry = team.write(team.clock.now)
    assert entry["shared_with_care_team"] is True
    r = team.client.get("/v1/me/consents", headers=team.ph)
    assert r.json() == {"items": [], "sharing_allowed": True}


def test_without_acceptance_entries_are_written_private(team: Team, admin_h: dict) -> None:
    publish(team, admin_h)
    entry = team.write(team.clock.now)
    assert entry["shared_with_care_team"] is False
    r = team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th)
    assert r.json()["items"] == []


def test_sharing_without_acceptance_is_409_naming_the_document(team: Team, admin_h: dict) -> None:
    doc = publish(team, admin_h)
    entry = team.write(team.clock.now)
    r = team.client.patch(
        f"/v1/entries/{entry['id']}",
        json={"shared_with_care_team": True},
        headers=team.ph | {"If-Match": '"v1"'},
    )
    assert r.status_code == 409
    assert r.json()["code"] == "consent_required"
    assert r.json()["document_id"] == doc["id"]


def test_acceptance_lets_entries_be_shared(team: Team, admin_h: dict) -> None:
    doc = publish(team, admin_h)
    assert decide(team, doc["id"], "accepted").status_code == 201
    assert team.write(team.clock.now)["shared_with_care_team"] is True
    state = team.client.get("/v1/me/consents", headers=team.ph).json()
    assert state["sharing_allowed"] is True
    assert state["items"][0]["in_force"] is True


def test_a_decision_is_idempotent_and_audited_once(team: Team, admin_h: dict, db: Session) -> None:
    doc = publish(team, admin_h)
    first = decide(team, doc["id"], "accepted")
    again = decide(team, doc["id"], "accepted")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    rows = db.exec(select(ConsentDecision).where(ConsentDecision.patient_id == team.patient.id))
    assert len(rows.all()) == 1
    audits = db.exec(select(AuditEvent).where(AuditEvent.action == "consent.accepted")).all()
    assert [a.patient_id for a in audits] == [team.patient.id]
    assert first.json()["locale"] == "en" and first.json()["version"] == 1


def test_withdrawal_hides_unreviewed_entries_at_once_and_keeps_reviewed(
    team: Team, admin_h: dict
) -> None:
    doc = publish(team, admin_h)
    decide(team, doc["id"], "accepted")
    reviewed = team.write(team.clock.now, body="reviewed one")
    fresh = team.write(team.clock.now, body="not yet read")
    r = team.client.put(
        f"/v1/entries/{reviewed['id']}/review", json={"discuss": False}, headers=team.th
    )
    assert r.status_code == 200
    r = decide(team, doc["id"], "withdrawn")
    assert r.status_code == 201
    assert (r.json()["made_private"], r.json()["kept_in_record"]) == (1, 1)
    assert "record" in r.json()["message"]
    seen = team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th).json()
    assert [e["id"] for e in seen["items"]] == [reviewed["id"]]
    assert team.client.get(f"/v1/entries/{fresh['id']}", headers=team.th).status_code == 404
    assert team.write(team.clock.now)["shared_with_care_team"] is False


def test_the_safety_net_does_not_wait_for_consent(team: Team, admin_h: dict) -> None:
    publish(team, admin_h)
    entry = team.write(team.clock.now, body="Some nights I want to die.")
    assert entry["shared_with_care_team"] is False
    assert entry["safety"]["flagged"] is True
    assert entry["safety"]["crisis_resources"]
    flags = team.client.get("/v1/safety-flags", headers=team.th)
    assert [f["patient_id"] for f in flags.json()["items"]] == [str(team.patient.id)]


def test_a_new_version_is_announced_and_the_old_acceptance_holds_until_the_date(
    team: Team, admin_h: dict, db: Session
) -> None:
    v1 = publish(team, admin_h)
    decide(team, v1["id"], "accepted")
    until = team.clock.now + timedelta(days=14)
    v2 = publish(team, admin_h, previous_valid_until=until.isoformat())
    assert v2["version"] == 2
    feed = db.exec(select(Notification).where(Notification.user_id == team.patient.id)).all()
    # Both versions announced once each; rows written in one tick have no order.
    announced = [n.data["document_id"] for n in feed if n.kind == "consent_update"]
    assert sorted(announced) == sorted([v1["id"], v2["id"]])
    assert team.write(team.clock.now)["shared_with_care_team"] is True
    team.clock.advance(days=15)
    team.relogin()
    assert team.write(team.clock.now)["shared_with_care_team"] is False


def test_an_old_version_cannot_be_accepted(team: Team, admin_h: dict) -> None:
    v1 = publish(team, admin_h)
    publish(team, admin_h)
    r = decide(team, v1["id"], "accepted")
    assert (r.status_code, r.json()["code"]) == (409, "consent_document_superseded")


def test_unknown_document_is_404(team: Team) -> None:
    r = decide(team, "6f1c8a52-4a47-4c59-9d36-3a4bdb1a9d10", "accepted")
    assert (r.status_code, r.json()["code"]) == (404, "consent_document_not_found")


def test_the_export_carries_consent_as_json_and_fhir(team: Team, admin_h: dict) -> None:
    doc = publish(team, admin_h)
    decide(team, doc["id"], "accepted")
    data = team.client.get("/v1/me/export", headers=team.ph).json()
    assert [c["decision"] for c in data["consents"]] == ["accepted"]
    fhir = team.client.get("/v1/me/export?format=fhir", headers=team.ph).json()
    consents = [e["resource"] for e in fhir["entry"] if e["resource"]["resourceType"] == "Consent"]
    assert [c["provision"]["type"] for c in consents] == ["permit"]
