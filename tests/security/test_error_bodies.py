"""A refusal is small whatever was sent: at most 20 errors, a count, no input echoed."""

import json

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.entries.conftest import Team, iso

LIMIT = 16 * 1024  # bytes: far above any real refusal, far below what was sent
SECRET = "I told no one about the panic attacks"


def _post(team: Team, path: str, raw: bytes) -> tuple[int, dict, int]:  # type: ignore[type-arg]
    r = team.client.post(path, content=raw, headers=team.ph | {"Content-Type": "application/json"})
    assert r.headers["content-type"] == "application/problem+json", r.text[:200]
    return r.status_code, r.json(), len(r.content)


def test_twenty_four_thousand_unknown_keys_answer_twenty_errors_and_a_count(team: Team) -> None:
    body = {"body": "x", "written_at": iso(team.clock.now)} | {f"k{i}": 0 for i in range(24_000)}
    raw = orjson.dumps(body)
    assert 200_000 < len(raw) < 256 * 1024  # under the body limit: validation sees it all
    status, problem, size = _post(team, "/v1/entries", raw)
    assert status == 422 and problem["code"] == "validation_failed"
    assert len(problem["errors"]) == 20
    assert problem["error_count"] == 24_000
    assert size < LIMIT


def test_hundreds_of_bad_answers_answer_twenty_errors(team: Team) -> None:
    answers = {f"q{i}": "not a number" for i in range(500)}
    raw = orjson.dumps({"code": "phq9", "answers": answers, "answered_at": iso(team.clock.now)})
    status, problem, size = _post(team, "/v1/questionnaire-responses", raw)
    assert status == 422
    assert len(problem["errors"]) <= 20 and problem["error_count"] >= len(problem["errors"])
    assert size < LIMIT


def test_many_unknown_items_of_a_questionnaire_answer_twenty_errors(team: Team) -> None:
    # Within the schema's 60 answers, every one unknown: the instrument's own check.
    answers = {f"item_{i:03d}_" + "z" * 40: 1 for i in range(60)}
    raw = orjson.dumps({"code": "phq9", "answers": answers, "answered_at": iso(team.clock.now)})
    status, problem, size = _post(team, "/v1/questionnaire-responses", raw)
    assert status == 422
    assert len(problem["errors"]) == 20
    assert problem["error_count"] >= 60
    assert size < LIMIT


def test_a_huge_value_or_key_is_never_echoed(team: Team) -> None:
    huge_text = (SECRET + " ") * 6_000  # ~230 KB of a person's words, too long for an entry
    huge_key = "k" * 200_000
    for body in (
        {"body": huge_text, "written_at": iso(team.clock.now)},
        {"body": "x", "written_at": iso(team.clock.now), huge_key: SECRET},
        {"body": "x", "written_at": huge_text[:200_000]},
        {"body": "x", "written_at": iso(team.clock.now), "mood": SECRET},
    ):
        status, problem, size = _post(team, "/v1/entries", orjson.dumps(body))
        assert status == 422, problem
        assert SECRET not in json.dumps(problem)
        assert size < 4 * 1024
        assert all(set(e) == {"loc", "msg", "type"} for e in problem["errors"])
        assert all(len(part) <= 64 for e in problem["errors"] for part in e["loc"])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(min_value=0, max_value=400),
    key_len=st.integers(min_value=1, max_value=300),
)
def test_any_number_of_unknown_fields_answers_at_most_twenty(
    team: Team, n: int, key_len: int
) -> None:
    body = {"body": "x", "written_at": iso(team.clock.now)}
    body |= {f"{i}".rjust(key_len, "k"): SECRET for i in range(n)}
    r = team.client.post("/v1/entries", json=body | {"mood": "no"}, headers=team.ph)
    problem = r.json()
    assert r.status_code == 422
    assert len(problem["errors"]) == min(20, n + 1) and problem["error_count"] == n + 1
    assert SECRET not in r.text
