"""Text with a lone surrogate is refused with 422 on every route that stores text."""

import json
from typing import Any

import pytest
from sqlmodel import Session, select

from app.entries.models import JournalEntry
from tests.entries.conftest import Team, iso

LONE = "half a pair \ud800 here"


def _send(team: Team, method: str, url: str, body: dict[str, Any], **headers: str) -> Any:
    return team.client.request(
        method,
        url,
        content=json.dumps(body),  # escapes the surrogate as \\ud800, as a phone may send it
        headers=team.ph | {"Content-Type": "application/json"} | headers,
    )


@pytest.mark.parametrize("text", [LONE, "\udfff", "end \udbff"])
def test_an_entry_with_a_lone_surrogate_is_422_and_not_stored(
    team: Team, db: Session, text: str
) -> None:
    r = _send(team, "POST", "/v1/entries", {"body": text, "written_at": iso(team.clock.now)})
    assert r.status_code == 422
    assert r.json()["code"] == "validation_failed"
    assert (
        db.exec(select(JournalEntry).where(JournalEntry.patient_id == team.patient.id)).all() == []
    )


def test_an_edit_with_a_lone_surrogate_is_422_and_changes_nothing(team: Team) -> None:
    e = team.write(team.clock.now, body="the light")
    r = _send(team, "PATCH", f"/v1/entries/{e['id']}", {"body": LONE}, **{"If-Match": '"v1"'})
    assert r.status_code == 422
    assert team.get(e["id"])["body"] == "the light"


def test_a_surrogate_pair_is_one_character_and_is_stored(team: Team) -> None:
    r = _send(
        team, "POST", "/v1/entries", {"body": "\U0001f600", "written_at": iso(team.clock.now)}
    )
    assert r.status_code == 201
    assert r.json()["body"] == "\U0001f600"
