"""Answering questionnaires through the API: scoring, windows, retries and bad input."""

import json
import uuid
from datetime import timedelta

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.questionnaires.models import QuestionnaireResponse
from tests.entries.conftest import Team
from tests.questionnaires.conftest import answer, gad7, phq9


def _count(db: Session) -> int:
    return len(db.exec(select(QuestionnaireResponse)).all())


def test_a_phq9_answer_is_scored_and_banded(team: Team) -> None:
    out = answer(team, "phq9", phq9(1, 1, 1, 2, 2, 3, 0, 0, 0), team.clock.now)
    assert (out["score"], out["severity"], out["code"]) == (10, "moderate", "phq9")
    assert out["safety"] is None


def test_an_answer_in_the_integration_phase_is_attached_to_its_window(team: Team) -> None:
    sid = team.session(team.clock.now - timedelta(hours=30))
    out = answer(team, "gad7", gad7(1, 1, 1, 1, 1, 1, 1), team.clock.now)
    assert (out["session_id"], out["phase"]) == (sid, "integration")


def test_an_answer_from_the_future_is_clamped_to_the_server_time(team: Team) -> None:
    out = answer(team, "gad7", gad7(0, 0, 0, 0, 0, 0, 0), team.clock.now + timedelta(hours=3))
    assert out["answered_at_adjusted"] is True
    assert out["answered_at"].startswith(team.clock.now.strftime("%Y-%m-%dT%H:%M"))


def test_a_retry_with_the_same_id_replays_and_stores_once(team: Team, db: Session) -> None:
    rid = str(uuid.uuid4())
    first = answer(team, "gad7", gad7(1, 0, 0, 0, 0, 0, 0), team.clock.now, id=rid)
    again = answer(team, "gad7", gad7(1, 0, 0, 0, 0, 0, 0), team.clock.now, id=rid)
    assert first == again
    assert _count(db) == 1


def test_the_same_id_with_other_answers_is_a_conflict(team: Team) -> None:
    rid = str(uuid.uuid4())
    answer(team, "gad7", gad7(1, 0, 0, 0, 0, 0, 0), team.clock.now, id=rid)
    out = answer(team, "gad7", gad7(2, 0, 0, 0, 0, 0, 0), team.clock.now, status=409, id=rid)
    assert out["code"] == "idempotency_conflict"


def test_an_idempotency_key_replays_the_first_answer(team: Team, db: Session) -> None:
    key = {"Idempotency-Key": "q-key-1"}
    first = answer(team, "gad7", gad7(1, 1, 0, 0, 0, 0, 0), team.clock.now, headers=key)
    again = answer(team, "gad7", gad7(1, 1, 0, 0, 0, 0, 0), team.clock.now, headers=key)
    assert first["id"] == again["id"] and _count(db) == 1
    other = answer(team, "gad7", gad7(3, 1, 0, 0, 0, 0, 0), team.clock.now, 409, headers=key)
    assert other["code"] == "idempotency_conflict"


def test_missing_unknown_and_out_of_range_items_are_each_named_and_nothing_is_stored(
    team: Team, db: Session
) -> None:
    answers = phq9(0, 0, 0, 0, 0, 0, 0, 0, 0)
    del answers["phq9_3"]
    answers |= {"phq9_4": 7, "phq9_99": 1}
    out = answer(team, "phq9", answers, team.clock.now, status=422)
    assert out["code"] == "answers_invalid"
    named = {e["loc"][-1]: e["type"] for e in out["errors"]}
    assert named == {"phq9_3": "missing", "phq9_4": "out_of_range", "phq9_99": "unknown_item"}
    assert _count(db) == 0


def test_an_unknown_code_in_the_body_is_422(team: Team) -> None:
    out = answer(team, "bdi2", {}, team.clock.now, status=422)
    assert out["code"] == "unknown_questionnaire"


def test_an_unknown_code_in_the_path_is_404(team: Team) -> None:
    r = team.client.get("/v1/questionnaires/bdi2", headers=team.ph)
    assert (r.status_code, r.json()["code"]) == (404, "questionnaire_not_found")


def test_instruments_are_served_in_spanish_when_asked(team: Team) -> None:
    r = team.client.get("/v1/questionnaires/phq9?locale=es", headers=team.ph)
    assert r.json()["locale"] == "es"
    assert r.json()["items"][0]["text"] == "Poco interés o placer en hacer cosas"
    r = team.client.get("/v1/questionnaires/gad7", headers=team.ph | {"Accept-Language": "es-MX"})
    assert r.json()["locale"] == "es"


def test_pcl5_falls_back_to_english_and_says_so(team: Team) -> None:
    r = team.client.get("/v1/questionnaires/pcl5?locale=es", headers=team.ph)
    assert (r.json()["locale"], r.json()["translation_available"]) == ("en", False)


def test_after_effects_free_text_is_encrypted_at_rest(team: Team, db: Session) -> None:
    answers = dict.fromkeys(
        ("ae_nausea", "ae_dizziness", "ae_headache", "ae_dissociation", "ae_other"), 1
    )
    out = answer(
        team, "after_effects", answers | {"ae_note": "A dull ache behind my eyes"}, team.clock.now
    )
    assert out["note"] == "A dull ache behind my eyes"
    row = db.get(QuestionnaireResponse, uuid.UUID(out["id"]))
    assert row is not None and row.note_ciphertext is not None
    assert b"dull ache" not in row.note_ciphertext
    assert "ae_note" not in row.answers


def test_an_answer_to_an_expired_assignment_is_accepted_as_late(team: Team) -> None:
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/questionnaire-assignments",
        json={"code": "pcl5"},
        headers=team.th,
    )
    assert r.status_code == 201, r.text
    team.clock.advance(days=8)
    team.relogin()
    out = answer(team, "pcl5", {f"pcl5_{i}": 1 for i in range(1, 21)}, team.clock.now)
    assert (out["reason"], out["late"]) == ("assigned", True)


def test_an_assignment_with_an_unknown_code_is_422(team: Team) -> None:
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/questionnaire-assignments",
        json={"code": "nope"},
        headers=team.th,
    )
    assert (r.status_code, r.json()["code"]) == (422, "unknown_questionnaire")


def test_the_care_team_reads_answers_filtered_by_code_and_the_read_is_audited(
    team: Team, db: Session
) -> None:
    answer(team, "gad7", gad7(1, 1, 1, 1, 1, 1, 1), team.clock.now)
    answer(team, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), team.clock.now)
    r = team.client.get(
        f"/v1/patients/{team.patient.id}/questionnaire-responses?code=gad7", headers=team.th
    )
    assert [i["code"] for i in r.json()["items"]] == ["gad7"]
    events = db.exec(
        select(AuditEvent).where(AuditEvent.action == "questionnaire_response.list")
    ).all()
    assert len(events) == 1


def test_the_patient_lists_their_own_answers(team: Team) -> None:
    answer(team, "gad7", gad7(1, 1, 1, 1, 1, 1, 1), team.clock.now)
    r = team.client.get("/v1/me/questionnaire-responses", headers=team.ph)
    assert [i["score"] for i in r.json()["items"]] == [7]


def test_scores_give_baseline_change_response_and_remission(team: Team) -> None:
    start = team.clock.now
    answer(team, "phq9", phq9(2, 2, 2, 2, 2, 2, 2, 2, 0), start)  # 16, before any session
    team.clock.advance(days=1)
    team.relogin()
    sid = team.session(team.clock.now)
    team.clock.advance(days=14)
    team.relogin()
    answer(team, "phq9", phq9(1, 1, 1, 1, 0, 0, 0, 0, 0), team.clock.now)  # 4
    for headers in (team.th, team.ph):
        r = team.client.get(f"/v1/patients/{team.patient.id}/scores?code=phq9", headers=headers)
        body = r.json()
        assert r.status_code == 200
        assert (body["baseline"]["score"], body["latest"]["score"]) == (16, 4)
        assert body["change_pct"] == -75.0
        assert body["response"] is True and body["remission"] is True
        assert [p["session_id"] for p in body["points"]] == [None, None]
    assert sid


def test_a_lone_surrogate_in_a_note_or_an_item_id_is_refused_with_422(team: Team) -> None:
    base = dict.fromkeys(
        ("ae_nausea", "ae_dizziness", "ae_headache", "ae_dissociation", "ae_other"), 0
    )
    for answers in (base | {"ae_note": "\ud800"}, base | {"\ud800": 1}):
        body = (
            '{"code": "after_effects", "answered_at": "2026-03-02T15:00:00Z", "answers": '
            + json.dumps(answers)
            + "}"
        )
        r = team.client.post(
            "/v1/questionnaire-responses",
            content=body.encode(),
            headers=team.ph | {"Content-Type": "application/json"},
        )
        assert r.status_code == 422, r.text


AE_ZEROS = dict.fromkeys(
    ("ae_nausea", "ae_dizziness", "ae_headache", "ae_dissociation", "ae_other"), 0
)


def test_the_free_text_goes_in_note_and_replays_as_the_old_shape(team: Team) -> None:
    rid = str(uuid.uuid4())
    out = answer(team, "after_effects", AE_ZEROS, team.clock.now, id=rid, note="Tired")
    assert out["note"] == "Tired"
    # A v1.1 client sending the text inside `answers` retries the same request.
    old = answer(team, "after_effects", AE_ZEROS | {"ae_note": "Tired"}, team.clock.now, id=rid)
    assert old == out


def test_a_note_on_an_instrument_without_free_text_is_kept_sealed_and_shown(
    team: Team, db: Session
) -> None:
    note = "Slept badly the night before"
    out = answer(team, "gad7", gad7(0, 0, 0, 0, 0, 0, 0), team.clock.now, note=note)
    assert (out["note"], out["score"]) == (note, 0)
    row = db.exec(select(QuestionnaireResponse)).one()
    assert row.note_ciphertext is not None and b"Slept" not in row.note_ciphertext
    assert "note" not in row.answers
    mine = team.client.get("/v1/me/questionnaire-responses", headers=team.ph).json()["items"]
    assert [i["note"] for i in mine] == [note]
    url = f"/v1/patients/{team.patient.id}/questionnaire-responses"
    theirs = team.client.get(url, headers=team.th).json()["items"]
    assert [i["note"] for i in theirs] == [note]


def test_a_retry_with_another_note_is_a_conflict_not_a_replay(team: Team) -> None:
    body = {"id": str(uuid.uuid4()), "note": "first"}
    headers = {"Idempotency-Key": "gad7-note"}
    zeros = gad7(0, 0, 0, 0, 0, 0, 0)
    first = answer(team, "gad7", zeros, team.clock.now, headers=headers, **body)
    again = answer(team, "gad7", zeros, team.clock.now, headers=headers, **body)
    assert again == first
    out = answer(team, "gad7", zeros, team.clock.now, 409, headers=headers, **body | {"note": "x"})
    assert out["code"] == "idempotency_conflict"


def test_an_answer_that_is_not_an_integer_names_the_item_only(team: Team) -> None:
    # What a generated client with an empty answer class sends.
    for value in ({}, "1", 1.5, None):
        out = answer(
            team, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 0) | {"phq9_1": value}, team.clock.now, 422
        )
        assert [e["loc"] for e in out["errors"]] == [["body", "answers", "phq9_1"]], out
        assert "function" not in json.dumps(out) and "partial" not in json.dumps(out)
