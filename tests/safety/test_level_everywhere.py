"""A flag's level reaches every place that shows the flag: the entry's answer, the
questionnaire answer, the integration summary (with the outcome), the queue, pushes."""

from datetime import timedelta

from tests.entries.conftest import Team
from tests.questionnaires.conftest import answer

PLAN = "I bought a rope yesterday."
PASSIVE = "I wish I could fall asleep and never wake up."
HIGH = {"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 0, "cssrs_4": 1, "cssrs_5": 0, "cssrs_6": 0}
PLAN_BODY = {"reasons_for_living": ["My daughter"], "coping_strategies": ["A walk"]}


def test_the_summary_lists_each_flag_with_its_level_and_outcome(team: Team) -> None:
    session_id = team.session(team.clock.now - timedelta(hours=3))
    urgent = team.write(team.clock.now, body=PLAN)["safety"]["flag_id"]
    review = team.write(team.clock.now, body=PASSIVE)["safety"]["flag_id"]
    [asked] = answer(team, "cssrs_screener", HIGH, team.clock.now)["safety"]["flag_ids"]
    r = team.client.post(
        f"/v1/safety-flags/{review}/acknowledge",
        json={"outcome": "safety_plan_reviewed"},
        headers=team.th,
    )
    assert r.status_code == 200, r.text
    r = team.client.get(
        f"/v1/patients/{team.patient.id}/sessions/{session_id}/summary", headers=team.th
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted((f["id"], f["level"], f["outcome"]) for f in body["safety_flags"]) == sorted(
        [(urgent, "urgent", None), (review, "review", "safety_plan_reviewed")]
    )
    assert [(f["id"], f["level"], f["outcome"]) for f in body["questionnaire_flags"]] == [
        (str(asked), "urgent", None)
    ]


def test_a_flagged_answer_carries_its_level_and_the_patients_plan(team: Team) -> None:
    r = team.client.put("/v1/me/safety-plan", json=PLAN_BODY, headers=team.ph)
    assert r.status_code in (200, 201), r.text
    safety = answer(team, "cssrs_screener", HIGH, team.clock.now)["safety"]
    assert (safety["level"], safety["urgent"]) == ("urgent", True)
    assert safety["safety_plan"]["reasons_for_living"] == ["My daughter"]
    assert safety["message"].startswith("Your answers suggest")


def test_a_review_answer_is_calm_and_says_review(team: Team) -> None:
    low = {"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 0, "cssrs_4": 0, "cssrs_5": 0, "cssrs_6": 0}
    safety = answer(team, "cssrs_screener", low, team.clock.now)["safety"]
    assert (safety["level"], safety["urgent"]) == ("review", False)
    assert safety["message"].startswith("Thank you for answering honestly.")
    assert "can see your answers" in safety["message"]
    assert safety["safety_plan"] is None


def test_the_therapists_feed_names_the_flag_and_its_level(team: Team) -> None:
    flag_id = team.write(team.clock.now, body=PLAN)["safety"]["flag_id"]
    r = team.client.get("/v1/me/notifications", headers=team.th)
    assert r.status_code == 200, r.text
    notices = [n for n in r.json()["items"] if n["kind"] == "safety_flag"]
    assert [(n["target_id"], n["level"]) for n in notices] == [(flag_id, "urgent")]
    assert "rope" not in str(notices)
