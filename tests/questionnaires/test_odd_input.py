"""Odd but schema-valid input to the questionnaire routes: never a server error."""

import json

import pytest

from tests.entries.conftest import Team

GAD7 = {f"gad7_{i}": 0 for i in range(1, 8)}


@pytest.mark.parametrize(
    "answered_at",
    ["0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00"],
)
def test_an_answer_from_a_far_off_year_is_clamped_to_the_server_time(
    team: Team, answered_at: str
) -> None:
    r = team.client.post(
        "/v1/questionnaire-responses",
        json={"code": "gad7", "answers": GAD7, "answered_at": answered_at},
        headers=team.ph,
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["answered_at_adjusted"] is True
    assert out["answered_at"].startswith(team.clock.now.strftime("%Y-%m-%dT%H:%M"))


def test_a_far_off_year_replays_the_first_answer(team: Team) -> None:
    body = {"code": "gad7", "answers": GAD7, "answered_at": "9999-12-31T23:59:59-14:00"}
    headers = team.ph | {"Idempotency-Key": "far-off"}
    first = team.client.post("/v1/questionnaire-responses", json=body, headers=headers)
    again = team.client.post("/v1/questionnaire-responses", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json()["id"] == first.json()["id"]


def _raw(team: Team, method: str, url: str, body: str, headers: dict[str, str]) -> int:
    r = team.client.request(
        method,
        url,
        content=body.encode(),
        headers=headers | {"Content-Type": "application/json"},
    )
    return r.status_code


def test_a_lone_surrogate_in_a_code_is_refused_with_422(team: Team) -> None:
    answers = json.dumps(GAD7)
    body = '{"code": "\\ud800", "answered_at": "2026-03-02T15:00:00Z", "answers": ' + answers + "}"
    assert _raw(team, "POST", "/v1/questionnaire-responses", body, team.ph) == 422
    url = f"/v1/patients/{team.patient.id}/questionnaire-assignments"
    assert _raw(team, "POST", url, '{"code": "\\ud800"}', team.th) == 422


def test_a_lone_surrogate_in_a_schedule_code_is_refused_with_422(team: Team) -> None:
    url = f"/v1/patients/{team.patient.id}/questionnaire-schedule"
    body = '{"plans": {"\\ud800": {"after_flag": true}}}'
    assert _raw(team, "PUT", url, body, team.th) == 422


@pytest.mark.parametrize("code", ["%ED%A0%80", "x" * 40, "%00"])
def test_odd_code_filters_and_paths_are_never_a_server_error(team: Team, code: str) -> None:
    for url, headers in (
        (f"/v1/me/questionnaire-responses?code={code}", team.ph),
        (f"/v1/patients/{team.patient.id}/questionnaire-responses?code={code}", team.th),
        (f"/v1/patients/{team.patient.id}/scores?code={code}", team.th),
        (f"/v1/questionnaires/{code}?locale={code}", team.ph),
    ):
        r = team.client.get(url, headers=headers)
        assert r.status_code < 500, (url, r.text)


def test_whole_answers_written_as_decimals_are_taken_and_stored_as_integers(team: Team) -> None:
    # JSON Schema counts 3.0 as an integer (so does Swift's Double); 2.5 is not one.
    answers = {k: float(v) for k, v in (GAD7 | {"gad7_1": 3}).items()}
    at = ', "answered_at": "2026-03-02T15:00:00Z"}'
    body = '{"code": "gad7", "answers": ' + json.dumps(answers) + at
    assert _raw(team, "POST", "/v1/questionnaire-responses", body, team.ph) == 201
    mine = team.client.get("/v1/me/questionnaire-responses", headers=team.ph).json()["items"]
    assert mine[0]["answers"]["gad7_1"] == 3
    assert isinstance(mine[0]["answers"]["gad7_1"], int)
    half = '{"code": "gad7", "answers": ' + json.dumps(answers | {"gad7_2": 2.5}) + at
    assert _raw(team, "POST", "/v1/questionnaire-responses", half, team.ph) == 422
