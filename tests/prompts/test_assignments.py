"""Assigned prompts in `next`, the assignment routes' access, and library edits."""

import json
import uuid
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.prompts.library import library, prompt_id, sync_library
from app.prompts.models import PromptAssignment
from tests.entries.conftest import Team, iso
from tests.factories import make_admin, make_patient, make_therapist


def _next(team: Team, **params: str) -> dict[str, Any]:
    team.clock.advance(seconds=1)
    r = team.client.get("/v1/prompts/next", params=params, headers=team.ph)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _assign(team: Team, body: dict[str, Any]) -> dict[str, Any]:
    r = team.client.post(f"/v1/patients/{team.patient.id}/prompts", json=body, headers=team.th)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def test_assigned_library_prompt_waits_for_a_phase_it_fits(team: Team) -> None:
    early_only = str(prompt_id("capture-colours-sounds"))  # not for the acute hours
    _assign(team, {"prompt_id": early_only})
    between = _next(team)
    assert between["id"] != early_only and between["assigned"] is False
    team.session(team.clock.now - timedelta(minutes=5))
    acute = _next(team)
    assert (acute["assigned"], acute["phase"]) == (False, "acute")
    team.clock.advance(hours=2)
    team.relogin()
    early = _next(team)
    assert (early["id"], early["assigned"], early["phase"]) == (early_only, True, "early")


def test_answered_assignment_stops_coming_first(team: Team) -> None:
    custom = _assign(
        team, {"title": "The garden", "text": "Write about it.", "technique": "capture"}
    )
    pid = custom["prompt"]["id"]
    assert _next(team)["id"] == pid
    team.write(team.clock.now, prompt_id=pid)
    team.clock.advance(minutes=10)
    team.session(team.clock.now - timedelta(minutes=5))  # a new scope: the window
    assert _next(team)["assigned"] is False


def test_served_but_unanswered_assignment_returns_in_the_next_window(team: Team) -> None:
    custom = _assign(team, {"title": "The sea", "text": "Write about it.", "technique": "capture"})
    pid = custom["prompt"]["id"]
    assert _next(team)["id"] == pid
    assert _next(team)["id"] != pid  # no repeat inside the same scope
    team.clock.advance(hours=4)
    team.relogin()
    team.session(team.clock.now - timedelta(hours=3))  # past the acute hours
    again = _next(team)
    assert (again["id"], again["assigned"]) == (pid, True)


def test_custom_prompt_waits_out_the_acute_hours(team: Team) -> None:
    custom = _assign(team, {"title": "The sea", "text": "Write about it.", "technique": "capture"})
    team.session(team.clock.now - timedelta(minutes=30))
    acute = _next(team)
    assert (acute["phase"], acute["assigned"]) == ("acute", False)
    team.clock.advance(hours=2)
    team.relogin()
    assert _next(team)["id"] == custom["prompt"]["id"]


def test_removed_assignment_is_not_served(team: Team, db: Session) -> None:
    custom = _assign(team, {"title": "Gone", "text": "Never mind.", "technique": "capture"})
    url = f"/v1/patients/{team.patient.id}/prompts/{custom['id']}"
    assert team.client.delete(url, headers=team.th).status_code == 204
    assert db.get(PromptAssignment, uuid.UUID(custom["id"])) is None
    assert _next(team)["assigned"] is False


def test_everything_used_comes_round_again(team: Team) -> None:
    fitting = {
        p["id"]
        for p in team.client.get(
            "/v1/prompts", params={"phase": "between_windows", "limit": "200"}, headers=team.ph
        ).json()["items"]
    }
    served = [_next(team) for _ in fitting]
    assert {p["id"] for p in served} == fitting
    again = _next(team)
    assert again["id"] in fitting and again["technique"] != served[-1]["technique"]
    r = team.client.get("/v1/prompts/next", params={"technique": "mindfulness"}, headers=team.ph)
    assert (r.status_code, r.json()["code"]) == (404, "no_prompt_available")


def test_strangers_cannot_see_or_change_assignments(team: Team, db: Session, login: Any) -> None:
    assignment = _assign(team, {"prompt_id": str(prompt_id("mind-five-breaths"))})
    url = f"/v1/patients/{team.patient.id}/prompts"
    strangers = [make_patient(db), make_therapist(db, patients=(make_patient(db),)), make_admin(db)]
    for headers in [team.ph, *(login(s) for s in strangers)]:
        assert team.client.get(url, headers=headers).status_code == 404
        r = team.client.delete(f"{url}/{assignment['id']}", headers=headers)
        assert r.status_code == 404
    assert db.get(PromptAssignment, uuid.UUID(assignment["id"])) is not None
    # The care team's listing is audited against the patient.
    team.client.get(url, headers=team.th)
    actions = db.exec(
        select(AuditEvent.action).where(AuditEvent.patient_id == team.patient.id)
    ).all()
    assert {"prompt.assign", "prompt.list_assignments"} <= set(actions)


def test_entry_naming_an_unknown_prompt_is_409(team: Team) -> None:
    r = team.client.post(
        "/v1/entries",
        json={"body": "x", "written_at": iso(team.clock.now), "prompt_id": str(uuid.uuid4())},
        headers=team.ph,
    )
    assert (r.status_code, r.json()["code"]) == (409, "unknown_prompt")


def test_editing_a_library_prompt_keeps_its_answers(team: Team, db: Session) -> None:
    pid = prompt_id("mind-right-now")
    entry = team.write(team.clock.now, prompt_id=str(pid))
    edited = [
        item | {"text": "Edited words."} if item["slug"] == "mind-right-now" else item
        for item in json.loads(json.dumps(library()))
    ]
    assert sync_library(db, now=team.clock.now, items=edited) == 1
    assert sync_library(db, now=team.clock.now, items=edited) == 0  # idempotent
    assert team.client.get(f"/v1/prompts/{pid}", headers=team.ph).json()["text"] == "Edited words."
    assert team.get(entry["id"])["prompt_id"] == str(pid)


def test_library_ids_are_unique_and_served_as_written(team: Team) -> None:
    ids = [item["id"] for item in library()]
    assert len(ids) == len(set(ids)) >= 48
    slugs = [item["slug"] for item in library()]
    assert len(slugs) == len(set(slugs))
    for item in library()[:3]:
        r = team.client.get(f"/v1/prompts/{item['id']}", headers=team.ph)
        assert (r.status_code, r.json()["title"]) == (200, item["title"])


def test_the_same_prompt_cannot_be_assigned_twice(team: Team, db: Session) -> None:
    body = {"prompt_id": str(prompt_id("mind-senses"))}
    _assign(team, body)
    r = team.client.post(f"/v1/patients/{team.patient.id}/prompts", json=body, headers=team.th)
    assert (r.status_code, r.json()["code"]) == (409, "prompt_already_assigned")
    rows = db.exec(
        select(PromptAssignment).where(PromptAssignment.patient_id == team.patient.id)
    ).all()
    assert len(rows) == 1
