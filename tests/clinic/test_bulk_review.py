"""Marking several entries reviewed at once, and narrowing a patient's entries, from the
clinic and the API alike."""

from datetime import timedelta

from tests.clinic.conftest import Browser
from tests.entries.conftest import Team, iso


def _three(team: Team) -> list[str]:
    at = team.clock.now - timedelta(hours=26)
    team.session(at)
    bodies = ["A walk by the river.", "I want to die", "Tea with my sister."]
    return [team.write(at + timedelta(hours=i + 1), body=b)["id"] for i, b in enumerate(bodies)]


def test_the_clinic_marks_the_selected_entries_reviewed_and_keeps_notes(
    team: Team, browser: Browser
) -> None:
    first, flagged, third = _three(team)
    noted = team.client.put(
        f"/v1/entries/{third}/review", json={"note": "Ask about her sister."}, headers=team.th
    )
    assert noted.status_code == 200, noted.text
    browser.sign_in(team.therapist)
    r = browser.post(f"/clinic/patients/{team.patient.id}/reviews", {"entry_id": [first, third]})
    assert r.status_code == 303 and "reviewed=2" in r.headers["location"]
    page = browser.get(r.headers["location"]).text
    assert "Marked 2 entries reviewed." in page
    reviews = {e["id"]: e["reviews"] for e in _entries(team)}
    assert len(reviews[first]) == 1 and reviews[flagged] == []
    assert reviews[third][0]["note"] == "Ask about her sister."  # kept
    unreviewed = browser.get(f"/clinic/patients/{team.patient.id}?entries=unreviewed").text
    assert "I want to die" in unreviewed and "A walk by the river." not in unreviewed
    flagged_only = browser.get(f"/clinic/patients/{team.patient.id}?entries=flagged").text
    assert "I want to die" in flagged_only and "Tea with my sister." not in flagged_only


def _entries(team: Team) -> list[dict]:  # type: ignore[type-arg]
    r = team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th)
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


def test_the_api_marks_many_and_skips_what_is_not_the_patients(team: Team) -> None:
    first, flagged, _third = _three(team)
    other = team.client.post(
        "/v1/entries",
        json={"body": "private", "written_at": iso(team.clock.now), "shared_with_care_team": False},
        headers=team.ph,
    )
    private = other.json()["id"]
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/reviews",
        json={"entry_ids": [first, flagged, private]},
        headers=team.th,
    )
    assert r.status_code == 200, r.text
    assert sorted(x["entry_id"] for x in r.json()["reviewed"]) == sorted([first, flagged])
    assert r.json()["skipped"] == [private]
    assert (
        team.client.post(
            f"/v1/patients/{team.patient.id}/reviews", json={"entry_ids": []}, headers=team.th
        ).status_code
        == 422
    )


def test_the_care_teams_entry_list_marks_the_flagged_entry_with_its_level(team: Team) -> None:
    first, flagged, _third = _three(team)
    levels = {e["id"]: e["flag_level"] for e in _entries(team)}
    assert levels[flagged] == "review" and levels[first] is None
    mine = team.client.get("/v1/entries", headers=team.ph).json()["items"]
    assert all(e["flag_level"] is None for e in mine)  # care-team views only
