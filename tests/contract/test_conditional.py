"""Entries, an entry, the window, the safety plan and what is due answer If-None-Match."""

from datetime import timedelta

import pytest

from tests.entries.conftest import Team


@pytest.mark.parametrize(
    "path",
    [
        "/v1/entries",
        "/v1/entries/{entry}",
        "/v1/me/window",
        "/v1/me/safety-plan",
        "/v1/me/questionnaires/due",
    ],
)
def test_a_current_copy_answers_304_and_a_changed_one_200(team: Team, path: str) -> None:
    team.session(team.clock.now - timedelta(hours=2))
    entry = team.write(team.clock.now - timedelta(hours=1))
    plan = {"warning_signs": ["I stop sleeping"], "reasons_for_living": ["My daughter"]}
    assert team.client.put("/v1/me/safety-plan", json=plan, headers=team.ph).status_code == 200
    url = path.format(entry=entry["id"])
    first = team.client.get(url, headers=team.ph)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = team.client.get(url, headers=team.ph | {"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", etag)
    other = team.client.get(url, headers=team.ph | {"If-None-Match": '"v999", "hzz"'})
    assert other.status_code == 200 and other.json() == first.json()


def test_a_changed_entry_is_sent_again(team: Team) -> None:
    entry = team.write(team.clock.now)
    url = f"/v1/entries/{entry['id']}"
    etag = team.client.get(url, headers=team.ph).headers["ETag"]
    r = team.client.patch(url, json={"mood": 3}, headers=team.ph | {"If-Match": etag})
    assert r.status_code == 200
    for path in (url, "/v1/entries"):
        assert team.client.get(path, headers=team.ph | {"If-None-Match": etag}).status_code == 200
