"""Questionnaire answers follow sharing consent like entries: without a current
acceptance the care team does not see them; the safety net's answers always reach it;
answers given while consent was in force stay in the clinic's record after withdrawal."""

from typing import Any

from tests.consent.conftest import decide, publish
from tests.entries.conftest import Team
from tests.questionnaires.conftest import answer, phq9


def _seen(team: Team) -> list[str]:
    r = team.client.get(f"/v1/patients/{team.patient.id}/questionnaire-responses", headers=team.th)
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


def _phq9(team: Team, *values: int) -> Any:
    team.clock.advance(minutes=1)
    return answer(team, "phq9", phq9(*values), team.clock.now)["id"]


def test_a_clinic_that_published_nothing_shows_every_answer(team: Team) -> None:
    first = _phq9(team, 1, 1, 1, 1, 1, 1, 1, 1, 0)
    assert _seen(team) == [first]


def test_without_acceptance_answers_stay_the_patients(team: Team, admin_h: dict) -> None:
    publish(team, admin_h)
    private = _phq9(team, 2, 2, 2, 2, 2, 2, 2, 2, 0)
    assert _seen(team) == []
    scores = team.client.get(f"/v1/patients/{team.patient.id}/scores", headers=team.th).json()
    assert scores["points"] == []
    queue = team.client.get("/v1/therapist/queue", headers=team.th).json()["items"]
    assert all(i["latest_phq9"] is None for i in queue)
    mine = team.client.get("/v1/me/questionnaire-responses", headers=team.ph).json()["items"]
    assert [i["id"] for i in mine] == [private]


def test_the_check_in_reaches_the_care_team_without_consent(team: Team, admin_h: dict) -> None:
    publish(team, admin_h)
    team.clock.advance(minutes=1)
    check_in = answer(
        team,
        "daily_check_in",
        {"check_in_1": 0, "check_in_2": 0, "check_in_mood": 6},
        team.clock.now,
    )["id"]
    assert _seen(team) == [check_in]


def test_withdrawal_keeps_what_was_answered_under_consent(team: Team, admin_h: dict) -> None:
    doc = publish(team, admin_h)
    assert decide(team, doc["id"], "accepted").status_code == 201
    kept = _phq9(team, 1, 1, 1, 1, 1, 1, 1, 1, 0)
    assert decide(team, doc["id"], "withdrawn").status_code == 201
    _phq9(team, 3, 3, 3, 3, 3, 3, 3, 3, 0)
    assert _seen(team) == [kept]
    assert decide(team, doc["id"], "accepted").status_code == 201
    again = _phq9(team, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert _seen(team) == [again, kept]
