"""The window's acute phase: the first hours after a dose, per route where the clinic
sets it; entries keep `early` for those hours."""

from datetime import timedelta
from typing import Any

from app.core.config import Settings
from tests.entries.conftest import Team, iso

ORAL_3H = {"iv": 2.0, "im": 2.0, "intranasal": 2.0, "oral": 3.0, "sublingual": 2.0}


def _window(team: Team) -> Any:
    team.relogin()
    r = team.client.get("/v1/me/window", headers=team.ph)
    assert r.status_code == 200, r.text
    return r.json()


def test_one_hour_after_an_iv_dose_the_window_is_acute_and_three_hours_after_early(
    team: Team,
) -> None:
    at = team.clock.now - timedelta(hours=1)
    team.session(at, route="iv")
    w = _window(team)
    assert (w["phase"], w["acute_ends_at"]) == ("acute", iso(at + timedelta(hours=2)))
    team.clock.advance(hours=2)
    assert _window(team)["phase"] == "early"


def test_the_acute_phase_ends_exactly_at_the_acute_hours(team: Team) -> None:
    team.session(team.clock.now - timedelta(hours=2), route="iv")
    assert _window(team)["phase"] == "early"


def test_a_clinic_may_set_the_acute_hours_per_route(team: Team, settings: Settings) -> None:
    settings.acute_hours_by_route = ORAL_3H  # type: ignore[assignment]
    oral = team.clock.now - timedelta(hours=2, minutes=30)
    team.session(oral, route="oral")
    w = _window(team)
    assert (w["phase"], w["acute_ends_at"]) == ("acute", iso(oral + timedelta(hours=3)))

    # A later IV dose opens a new window, with the IV hours.
    team.clock.advance(hours=30)
    team.relogin()
    team.session(team.clock.now - timedelta(hours=2, minutes=30), route="iv")
    assert _window(team)["phase"] == "early"


def test_a_route_the_clinic_did_not_list_gets_the_default_hours(
    team: Team, settings: Settings
) -> None:
    settings.acute_hours_by_route = {"oral": 3.0}  # type: ignore[assignment]
    settings.acute_hours = 1
    team.session(team.clock.now - timedelta(minutes=90), route="sublingual")
    assert _window(team)["phase"] == "early"


def test_no_acute_hours_means_no_acute_phase(team: Team, settings: Settings) -> None:
    settings.acute_hours = 0
    at = team.clock.now - timedelta(minutes=5)
    team.session(at, route="iv")
    w = _window(team)
    assert (w["phase"], w["acute_ends_at"]) == ("early", iso(at))


def test_entries_written_in_the_acute_hours_keep_the_early_phase(team: Team) -> None:
    team.session(team.clock.now - timedelta(hours=1), route="iv")
    entry = team.write(team.clock.now)
    assert _window(team)["phase"] == "acute"
    assert (entry["phase"], entry["window"]["phase"]) == ("early", "early")
    listed = team.client.get("/v1/entries", headers=team.ph).json()["items"]
    assert [e["phase"] for e in listed] == ["early"]


def test_prompts_follow_the_route_acute_hours(team: Team, settings: Settings) -> None:
    settings.acute_hours_by_route = ORAL_3H  # type: ignore[assignment]
    team.session(team.clock.now - timedelta(hours=2, minutes=30), route="oral")
    team.relogin()
    r = team.client.get("/v1/prompts/next", headers=team.ph)
    assert r.status_code == 200, r.text
    assert r.json()["phase"] == "acute"
    assert "acute" in r.json()["phases"]
