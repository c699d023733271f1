"""Answers in the export (JSON and a FHIR R4B bundle), the sync feed and the summary."""

from datetime import timedelta

from fhir.resources.R4B.bundle import Bundle

from tests.entries.conftest import Team
from tests.questionnaires.conftest import answer, gad7, phq9

AE = dict.fromkeys(("ae_nausea", "ae_dizziness", "ae_headache", "ae_dissociation", "ae_other"), 1)


def test_json_export_carries_every_answer(team: Team) -> None:
    answer(team, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), team.clock.now)
    answer(team, "after_effects", AE | {"ae_note": "tired"}, team.clock.now)
    data = team.client.get("/v1/me/export", headers=team.ph).json()
    assert sorted(r["code"] for r in data["questionnaire_responses"]) == ["after_effects", "phq9"]
    assert {r["note"] for r in data["questionnaire_responses"]} == {None, "tired"}


def test_fhir_bundle_has_a_questionnaire_a_response_and_a_loinc_observation_and_validates(
    team: Team,
) -> None:
    answer(team, "phq9", phq9(2, 2, 2, 2, 2, 0, 0, 0, 0), team.clock.now)
    answer(team, "gad7", gad7(1, 1, 1, 1, 1, 1, 1), team.clock.now, note="restless")
    answer(team, "cssrs_screener", {"cssrs_1": 0, "cssrs_2": 0, "cssrs_6": 0}, team.clock.now)
    r = team.client.get("/v1/me/export", params={"format": "fhir"}, headers=team.ph)
    bundle = Bundle.model_validate(r.json())
    resources = [e.resource for e in bundle.entry]
    kinds = sorted(type(x).__name__ for x in resources)
    assert kinds.count("Questionnaire") == 3
    assert kinds.count("QuestionnaireResponse") == 3
    assert kinds.count("Observation") == 3
    notes = [
        (i.linkId, i.answer[0].valueString)
        for x in resources
        if type(x).__name__ == "QuestionnaireResponse"
        for i in x.item or []
        if i.answer and i.answer[0].valueString
    ]
    assert notes == [("note", "restless")]
    scores = {
        o.code.coding[0].code: o.valueInteger
        for o in resources
        if type(o).__name__ == "Observation" and o.code.coding
    }
    assert scores == {"44261-6": 10, "70274-6": 7}


def test_the_sync_feed_carries_answers_written_after_the_token(team: Team) -> None:
    first = team.client.get("/v1/entries/sync", headers=team.ph).json()
    assert first["questionnaire_responses"] == []
    out = answer(team, "gad7", gad7(1, 1, 1, 1, 1, 1, 1), team.clock.now)
    team.write(team.clock.now, body="after the answer")
    page = team.client.get(
        "/v1/entries/sync", params={"since": first["next_since"]}, headers=team.ph
    ).json()
    assert [r["id"] for r in page["questionnaire_responses"]] == [out["id"]]
    assert len(page["changes"]) == 1
    again = team.client.get(
        "/v1/entries/sync", params={"since": page["next_since"]}, headers=team.ph
    ).json()
    assert again["questionnaire_responses"] == [] and again["changes"] == []


def test_a_sync_page_of_answers_only_never_skips_one(team: Team) -> None:
    ids = [answer(team, "gad7", gad7(0, 0, 0, 0, 0, 0, i), team.clock.now)["id"] for i in range(3)]
    seen: list[str] = []
    since = None
    for _ in range(5):
        params = {"limit": 2} | ({"since": since} if since else {})
        page = team.client.get("/v1/entries/sync", params=params, headers=team.ph).json()
        seen += [r["id"] for r in page["questionnaire_responses"]]
        since = page["next_since"]
        if not page["has_more"]:
            break
    assert seen == ids


def test_the_summary_shows_the_window_beside_the_previous_window_and_the_baseline(
    team: Team,
) -> None:
    start = team.clock.now
    answer(team, "phq9", phq9(2, 2, 2, 2, 2, 2, 2, 2, 0), start)  # baseline 16
    team.clock.advance(days=1)
    team.relogin()
    team.session(team.clock.now)
    answer(team, "phq9", phq9(2, 2, 2, 1, 1, 1, 1, 1, 0), team.clock.now + timedelta(hours=25))
    team.clock.advance(days=7)
    team.relogin()
    second = team.session(team.clock.now)
    answer(team, "phq9", phq9(1, 1, 1, 1, 1, 1, 0, 0, 0), team.clock.now + timedelta(hours=25))
    answer(team, "after_effects", AE | {"ae_headache": 3}, team.clock.now + timedelta(hours=2))
    team.clock.advance(hours=30)
    team.relogin()
    s = team.client.get(
        f"/v1/patients/{team.patient.id}/sessions/{second}/summary", headers=team.th
    ).json()
    scores = s["questionnaire_scores"]
    assert [p["score"] for p in scores["window"]["phq9"]] == [6]
    assert [p["score"] for p in scores["previous_window"]["phq9"]] == [11]
    assert scores["baseline"]["phq9"]["score"] == 16
    assert [a["severity"] for a in s["after_effects"]] == ["severe"]
