"""Each patient has their own entry ids: another patient's id answers like a new one.

Posting an id that already belongs to someone else must not reveal that it exists
(the answer of a fresh id), and must not weaken idempotency for either patient.
"""

import uuid
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from tests.conftest import Clock
from tests.entries.conftest import Team, iso
from tests.factories import make_patient, make_therapist


def _post(client: TestClient, h: dict[str, str], entry_id: str, body: str, at: str) -> Any:
    return client.post(
        "/v1/entries", json={"id": entry_id, "body": body, "written_at": at}, headers=h
    )


def _shape(r: Any, sent_id: str) -> tuple[Any, ...]:
    """What the caller can observe, with the sent id taken out."""
    body = r.json()
    return (
        r.status_code,
        sorted(r.headers.keys()),
        r.headers["Location"].replace(sent_id, "ID"),
        body["id"] == sent_id,
        sorted(body),
        body["version"],
    )


def test_another_patients_id_answers_like_a_fresh_one(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    at = iso(team.clock.now)
    theirs = team.write(team.clock.now, body="the first patient's words")
    intruder = make_patient(db)
    h = login(intruder)
    fresh_id = str(uuid.uuid4())
    fresh = _post(team.client, h, fresh_id, "guess", at)
    taken = _post(team.client, h, theirs["id"], "guess", at)
    assert taken.status_code == 201, taken.text
    assert _shape(taken, theirs["id"]) == _shape(fresh, fresh_id)
    assert "Idempotent-Replayed" not in taken.headers
    # Each reads their own entry under the same id; the first one is untouched.
    mine = team.client.get(f"/v1/entries/{theirs['id']}", headers=h)
    assert (mine.status_code, mine.json()["body"]) == (200, "guess")
    assert team.get(theirs["id"])["body"] == "the first patient's words"
    seen = team.client.get(f"/v1/entries/{theirs['id']}", headers=team.th).json()
    assert seen["body"] == "the first patient's words"
    listed = team.client.get("/v1/entries", headers=h).json()["items"]
    assert {e["id"] for e in listed} == {fresh_id, theirs["id"]}
    synced = team.client.get("/v1/entries/sync", headers=h).json()
    assert theirs["id"] in {c["id"] for c in synced["changes"]}
    exported = team.client.get("/v1/me/export", headers=h).json()
    assert theirs["id"] in {e["id"] for e in exported["entries"]}


def test_idempotency_holds_inside_the_second_namespace(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    at = iso(team.clock.now)
    theirs = team.write(team.clock.now, body="kept")
    h = login(make_patient(db))
    first = _post(team.client, h, theirs["id"], "mine", at)
    replay = _post(team.client, h, theirs["id"], "mine", at)
    assert (replay.status_code, replay.headers["Idempotent-Replayed"]) == (201, "true")
    assert replay.json() == first.json()
    changed = _post(team.client, h, theirs["id"], "different", at)
    assert (changed.status_code, changed.json()["code"]) == (409, "idempotency_conflict")
    edited = team.client.patch(
        f"/v1/entries/{theirs['id']}", json={"body": "edited"}, headers=h | {"If-Match": '"v1"'}
    )
    assert (edited.status_code, edited.json()["id"], edited.json()["version"]) == (
        200,
        theirs["id"],
        2,
    )
    assert team.get(theirs["id"]) | {"version": 1} == team.get(theirs["id"])
    assert team.get(theirs["id"])["body"] == "kept"
    gone = team.client.delete(f"/v1/entries/{theirs['id']}", headers=h | {"If-Match": '"v2"'})
    assert gone.status_code == 204
    assert team.get(theirs["id"])["body"] == "kept"
    deleted = team.client.get("/v1/entries/sync", headers=h).json()
    assert {"id": theirs["id"], "kind": "tombstone"}.items() <= next(
        c for c in deleted["changes"] if c["id"] == theirs["id"]
    ).items()
    again = _post(team.client, h, theirs["id"], "mine", at)
    assert (again.status_code, again.json()["code"]) == (410, "entry_deleted")


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 2), st.sampled_from(["a", "b"])),
        min_size=1,
        max_size=12,
    )
)
def test_each_patient_sees_what_they_would_see_alone(
    client: TestClient, db: Session, login, clock: Clock, steps: list[tuple[int, int, str]]
) -> None:  # type: ignore[no-untyped-def]
    """Any interleaving of two patients' posts over shared ids: each gets a solo run's answers."""
    patients = [make_patient(db), make_patient(db)]
    make_therapist(db, patients=tuple(patients))
    headers = [login(p) for p in patients]
    ids = [str(uuid.uuid4()) for _ in range(3)]
    at = iso(clock.now)
    model: list[dict[str, str]] = [{}, {}]
    for who, which, body in steps:
        r = _post(client, headers[who], ids[which], body, at)
        known = model[who].get(ids[which])
        if known is None:
            assert (r.status_code, "Idempotent-Replayed" in r.headers) == (201, False)
            model[who][ids[which]] = body
        elif known == body:
            assert (r.status_code, r.headers.get("Idempotent-Replayed")) == (201, "true")
        else:
            assert (r.status_code, r.json()["code"]) == (409, "idempotency_conflict")
        if r.status_code == 201:
            assert r.json()["id"] == ids[which]
    for who in (0, 1):
        items = client.get("/v1/entries", headers=headers[who]).json()["items"]
        assert {(e["id"], e["body"]) for e in items} == set(model[who].items())
