"""The patient's export, as JSON and as a FHIR R4B bundle."""

from datetime import timedelta

from fhir.resources.R4B.bundle import Bundle
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.prompts.library import library, prompt_id
from tests.entries.conftest import Team, iso
from tests.factories import make_admin, make_patient


def test_json_export_has_everything_but_therapist_notes(team: Team, db: Session) -> None:
    sid = team.session(team.clock.now - timedelta(hours=5))
    e = team.write(team.clock.now - timedelta(hours=4), body="my words", mood=5)
    team.write(team.clock.now, body="private words", shared_with_care_team=False)
    team.client.put(
        f"/v1/entries/{e['id']}/review",
        json={"note": "therapist-only-note", "discuss": True},
        headers=team.th,
    )
    r = team.client.get("/v1/me/export", headers=team.ph)
    assert r.status_code == 200
    data = r.json()
    assert data["account"]["id"] == str(team.patient.id)
    assert [s["id"] for s in data["sessions"]] == [sid]
    assert {x["body"] for x in data["entries"]} == {"my words", "private words"}
    assert "therapist-only-note" not in r.text
    assert data["safety_flags"] == []
    actions = db.exec(
        select(AuditEvent.action).where(AuditEvent.patient_id == team.patient.id)
    ).all()
    assert "export.json" in actions


def test_fhir_export_validates(team: Team) -> None:
    team.write(team.clock.now, body="with a mood", mood=7)
    team.write(team.clock.now, body="no mood")
    r = team.client.get("/v1/me/export/fhir", headers=team.ph)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/fhir+json")
    # v1.1 apps still get the same bundle from ?format=fhir.
    old = team.client.get("/v1/me/export", params={"format": "fhir"}, headers=team.ph)
    assert old.headers["content-type"].startswith("application/fhir+json")
    assert len(old.json()["entry"]) == len(r.json()["entry"])
    bundle = Bundle.model_validate(r.json())
    assert bundle.type == "collection"
    kinds = sorted(type(e.resource).__name__ for e in bundle.entry)
    assert kinds == ["Observation", "Patient", "QuestionnaireResponse", "QuestionnaireResponse"]


def test_an_answered_prompt_is_exported_as_the_questionnaire_its_answer_points_to(
    team: Team,
) -> None:
    pid = str(prompt_id(library()[0]["slug"]))
    team.write(team.clock.now, body="my answer", prompt_id=pid)
    data = team.client.get("/v1/me/export", headers=team.ph).json()
    assert [(p["id"], p["title"]) for p in data["prompts_answered"]] == [
        (pid, library()[0]["title"])
    ]
    r = team.client.get("/v1/me/export/fhir", headers=team.ph)
    bundle = Bundle.model_validate(r.json())
    by_type = {type(e.resource).__name__: e.resource for e in bundle.entry}
    questionnaire, response = by_type["Questionnaire"], by_type["QuestionnaireResponse"]
    assert response.questionnaire == questionnaire.url == f"urn:uuid:{pid}"
    assert response.item[0].answer[0].valueString == "my answer"


def test_export_is_the_patients_own_and_throttled(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    for other in (team.th, login(make_admin(db))):
        assert team.client.get("/v1/me/export", headers=other).status_code == 403
    other_patient = login(make_patient(db))
    assert "my words" not in team.client.get("/v1/me/export", headers=other_patient).text
    statuses = [team.client.get("/v1/me/export", headers=team.ph).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_the_export_lists_the_patients_safety_flags(team: Team) -> None:
    e = team.write(team.clock.now, body="I want to die", shared_with_care_team=False)
    data = team.client.get("/v1/me/export", headers=team.ph).json()
    assert data["safety_flags"] == [
        {
            "id": e["safety"]["flag_id"],
            "entry_id": e["id"],
            "raised_at": iso(team.clock.now),
            "acknowledged_at": None,
        }
    ]
