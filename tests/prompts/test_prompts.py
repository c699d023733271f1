"""The prompt library, `next`, assignments and custom-prompt privacy."""

import uuid
from collections import Counter
from datetime import timedelta

from sqlmodel import Session

from tests.entries.conftest import Team, iso
from tests.factories import make_admin, make_patient, make_therapist
from tests.prompts.helpers import all_prompts

TECHNIQUES = [
    "capture",
    "perception_shift",
    "mindfulness",
    "guided_imagery",
    "cognitive_restructuring",
    "values_action",
]


_all = all_prompts


def test_library_has_forty_prompts_five_per_technique_every_phase(team: Team) -> None:
    items = _all(team.client, team.ph)
    assert len(items) >= 48
    counts = Counter(p["technique"] for p in items)
    assert set(counts) == set(TECHNIQUES) and min(counts.values()) >= 8
    for phase in ("early", "integration", "between_windows"):
        fitting = _all(team.client, team.th, phase=phase)
        assert len({p["technique"] for p in fitting}) >= 5
        assert all(phase in p["phases"] for p in fitting)
    acute = _all(team.client, team.th, phase="acute")
    assert {p["technique"] for p in acute} == {"capture", "mindfulness", "guided_imagery"}
    assert len(acute) >= 10
    only = _all(team.client, team.ph, technique="mindfulness")
    assert {p["technique"] for p in only} == {"mindfulness"}
    assert team.client.get("/v1/prompts").status_code == 401


def test_next_fits_the_phase(team: Team) -> None:
    between = team.client.get("/v1/prompts/next", headers=team.ph).json()
    assert between["phase"] == "between_windows" and "between_windows" in between["phases"]
    team.session(team.clock.now - timedelta(hours=2))
    early = team.client.get("/v1/prompts/next", headers=team.ph).json()
    assert early["phase"] == "early" and "early" in early["phases"]
    team.clock.advance(hours=24)
    team.relogin()
    late = team.client.get("/v1/prompts/next", headers=team.ph).json()
    assert late["phase"] == "integration" and "integration" in late["phases"]


def test_assigned_prompts_come_first(team: Team, db: Session) -> None:
    url = f"/v1/patients/{team.patient.id}/prompts"
    library = _all(team.client, team.th, technique="values_action")
    a = team.client.post(url, json={"prompt_id": library[0]["id"]}, headers=team.th).json()
    team.clock.advance(seconds=1)
    custom = team.client.post(
        url,
        json={
            "title": "Your dog",
            "text": "Write about a walk with Pepper.",
            "technique": "mindfulness",
        },
        headers=team.th,
    )
    assert custom.status_code == 201
    first = team.client.get("/v1/prompts/next", headers=team.ph).json()
    team.clock.advance(seconds=1)
    second = team.client.get("/v1/prompts/next", headers=team.ph).json()
    assert (first["id"], first["assigned"]) == (a["prompt"]["id"], True)
    assert (second["title"], second["assigned"], second["custom"]) == ("Your dog", True, True)
    third = team.client.get("/v1/prompts/next", headers=team.ph).json()
    assert third["assigned"] is False
    listed = team.client.get(url, headers=team.th).json()["items"]
    assert [x["id"] for x in listed] == [a["id"], custom.json()["id"]]
    assert team.client.delete(f"{url}/{a['id']}", headers=team.th).status_code == 204
    assert team.client.delete(f"{url}/{a['id']}", headers=team.th).status_code == 404


def test_custom_prompts_are_private(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    url = f"/v1/patients/{team.patient.id}/prompts"
    custom = team.client.post(
        url,
        json={"title": "Private", "text": "Only for you.", "technique": "capture"},
        headers=team.th,
    ).json()
    pid = custom["prompt"]["id"]
    assert team.client.get(f"/v1/prompts/{pid}", headers=team.ph).status_code == 200
    assert team.client.get(f"/v1/prompts/{pid}", headers=team.th).status_code == 200
    random = team.client.get(f"/v1/prompts/{uuid.uuid4()}", headers=team.ph)
    for stranger in (make_patient(db), make_therapist(db), make_admin(db)):
        h = login(stranger)
        r = team.client.get(f"/v1/prompts/{pid}", headers=h)
        assert r.status_code == 404
        assert {k: v for k, v in r.json().items() if k != "instance"} == {
            k: v for k, v in random.json().items() if k != "instance"
        }
        assert team.client.get(url, headers=h).status_code == 404
        assert team.client.post(url, json={"prompt_id": pid}, headers=h).status_code == 404
    assert pid not in str(_all(team.client, team.ph))
    # Another patient may not answer it.
    other = login(make_patient(db))
    r = team.client.post(
        "/v1/entries",
        json={"body": "x", "written_at": iso(team.clock.now), "prompt_id": pid},
        headers=other,
    )
    assert r.status_code == 409 and r.json()["code"] == "unknown_prompt"
    ok = team.client.post(
        "/v1/entries",
        json={"body": "x", "written_at": iso(team.clock.now), "prompt_id": pid},
        headers=team.ph,
    )
    assert ok.status_code == 201


def test_assignment_needs_one_kind_of_body(team: Team) -> None:
    url = f"/v1/patients/{team.patient.id}/prompts"
    for bad in (
        {},
        {"title": "t", "text": "x"},
        {"prompt_id": str(uuid.uuid4()), "title": "t", "text": "x", "technique": "capture"},
        {"title": "t" * 121, "text": "x", "technique": "capture"},
    ):
        assert team.client.post(url, json=bad, headers=team.th).status_code == 422
    assert (
        team.client.post(url, json={"prompt_id": str(uuid.uuid4())}, headers=team.th).status_code
        == 404
    )
    assert (
        team.client.post(url, json={"prompt_id": str(uuid.uuid4())}, headers=team.ph).status_code
        == 404
    )


def test_a_technique_with_nothing_left_is_404(team: Team) -> None:
    team.session(team.clock.now - timedelta(hours=3))
    served = set()
    while True:
        team.clock.advance(seconds=1)
        r = team.client.get("/v1/prompts/next", params={"technique": "capture"}, headers=team.ph)
        if r.status_code == 404:
            assert r.json()["code"] == "no_prompt_available"
            break
        assert r.json()["id"] not in served
        served.add(r.json()["id"])
    assert len(served) >= 5
