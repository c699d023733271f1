"""PATCH /v1/entries/{id} is JSON Merge Patch: absent keeps, null clears what can be cleared."""

import json

import pytest

from tests.entries.conftest import Team


def _new(team: Team) -> str:
    r = team.client.post(
        "/v1/entries",
        json={"body": "first", "mood": 5, "written_at": team.clock.now.isoformat()},
        headers=team.ph,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.mark.parametrize("media", ["application/json", "application/merge-patch+json"])
def test_null_clears_the_mood_and_keeps_the_text(team: Team, media: str) -> None:
    eid = _new(team)
    # What kotlinx with encodeDefaults=true sends: every field, the unset ones null.
    patch = {"body": None, "mood": None, "shared_with_care_team": None}
    r = team.client.patch(
        f"/v1/entries/{eid}",
        content=json.dumps(patch),
        headers=team.ph | {"If-Match": '"v1"', "Content-Type": media},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["body"], r.json()["mood"]) == ("first", None)


def test_an_absent_member_is_left_as_it_is(team: Team) -> None:
    eid = _new(team)
    r = team.client.patch(
        f"/v1/entries/{eid}",
        json={"body": "second"},
        headers=team.ph | {"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["body"], r.json()["mood"]) == ("second", 5)


def test_the_document_offers_merge_patch_on_every_patch(team: Team) -> None:
    document = team.client.get("/openapi.json").json()
    for path, item in document["paths"].items():
        if "patch" in item and "requestBody" in item["patch"]:
            assert "application/merge-patch+json" in item["patch"]["requestBody"]["content"], path


def test_a_mood_of_4_point_0_is_the_integer_4(team: Team) -> None:
    # JSON Schema says 4.0 is an integer; Swift's Double encodes it so.
    r = team.client.post(
        "/v1/entries",
        content=f'{{"body": "x", "mood": 4.0, "written_at": "{team.clock.now.isoformat()}"}}',
        headers=team.ph | {"Content-Type": "application/json"},
    )
    assert (r.status_code, r.json().get("mood")) == (201, 4), r.text
    # 4.5 stays refused.
    r = team.client.post(
        "/v1/entries",
        content=f'{{"body": "x", "mood": 4.5, "written_at": "{team.clock.now.isoformat()}"}}',
        headers=team.ph | {"Content-Type": "application/json"},
    )
    assert r.status_code == 422
