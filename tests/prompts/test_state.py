"""Prompts that fit the patient's state: the acute hours, retired prompts, look-ahead
prompts after the integration session, and a fresh order in every window."""

from datetime import timedelta
from typing import Any

from app.prompts.library import library, prompt_id
from tests.entries.conftest import Team, iso
from tests.prompts.helpers import all_prompts

LOOK_AHEAD = {p["id"] for p in library() if p.get("look_ahead")}
RETIRED = {p["id"] for p in library() if p.get("retired")}


def _next(team: Team, **params: str) -> Any:
    team.clock.advance(seconds=1)
    return team.client.get("/v1/prompts/next", params=params, headers=team.ph)


def _drain(team: Team, technique: str) -> list[str]:
    """Every unused prompt of a technique that `next` serves now, in order."""
    served = []
    while (r := _next(team, technique=technique)).status_code == 200:
        served.append(r.json()["id"])
    assert r.json()["code"] == "no_prompt_available"
    return served


def test_the_first_two_hours_serve_only_prompts_safe_for_the_acute_state(team: Team) -> None:
    team.session(team.clock.now - timedelta(minutes=10))
    acute = {p["id"] for p in all_prompts(team.client, team.ph, phase="acute")}
    served = [_next(team).json() for _ in range(len(acute))]
    assert {p["phase"] for p in served} == {"acute"}
    assert {p["id"] for p in served} == acute
    assert {p["technique"] for p in served} <= {"capture", "mindfulness", "guided_imagery"}


def test_the_acute_phase_ends_after_the_acute_hours(team: Team) -> None:
    team.session(team.clock.now - timedelta(hours=1, minutes=59))
    assert _next(team).json()["phase"] == "acute"
    team.clock.advance(minutes=2)
    team.relogin()
    assert _next(team).json()["phase"] == "early"


def test_retired_prompts_are_never_served_nor_listed_but_still_readable(team: Team) -> None:
    team.session(team.clock.now - timedelta(hours=3))
    served = {
        pid
        for t in ("capture", "guided_imagery", "cognitive_restructuring")
        for pid in _drain(team, t)
    }
    assert served and not served & RETIRED
    listed = {p["id"] for p in all_prompts(team.client, team.ph)}
    assert not listed & RETIRED
    old = str(prompt_id("image-younger-self"))
    r = team.client.get(f"/v1/prompts/{old}", headers=team.ph)
    assert (r.status_code, r.json()["retired"]) == (200, True)


def test_an_entry_that_answered_a_retired_prompt_keeps_it(team: Team) -> None:
    old = str(prompt_id("capture-three-images"))
    entry = team.write(team.clock.now, prompt_id=old)
    assert entry["prompt_id"] == old


def test_look_ahead_prompts_are_served_before_the_integration_session(team: Team) -> None:
    sid = team.session(team.clock.now - timedelta(hours=25))
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/integration-sessions",
        json={"session_id": sid, "scheduled_at": iso(team.clock.now + timedelta(hours=10))},
        headers=team.th,
    )
    assert r.status_code == 201, r.text
    served = set(_drain(team, "values_action")) | set(_drain(team, "cognitive_restructuring"))
    assert served >= LOOK_AHEAD


def test_look_ahead_prompts_stop_once_the_integration_session_has_taken_place(
    team: Team,
) -> None:
    sid = team.session(team.clock.now - timedelta(hours=30))
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/integration-sessions",
        json={"session_id": sid, "scheduled_at": iso(team.clock.now + timedelta(minutes=5))},
        headers=team.th,
    )
    assert r.status_code == 201, r.text
    team.clock.advance(hours=1)  # a past time is refused: it takes place, then we look
    team.relogin()
    served = set(_drain(team, "values_action")) | set(_drain(team, "cognitive_restructuring"))
    assert served and not served & LOOK_AHEAD


def test_windows_do_not_all_start_with_the_same_prompts(team: Team) -> None:
    starts = []
    for _ in range(3):
        team.session(team.clock.now - timedelta(hours=3))
        starts.append(tuple(_next(team).json()["id"] for _ in range(4)))
        team.clock.advance(hours=72)
        team.relogin()
    assert len(set(starts)) > 1
