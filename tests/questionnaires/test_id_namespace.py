"""Each patient has their own questionnaire-response ids, as for entries.

Another patient's id answers exactly as a fresh one (201), so the answer tells
nothing about other patients' ids, and idempotency holds in each namespace.
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
from tests.questionnaires.conftest import phq9

ANSWERS = {"a": phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), "b": phq9(2, 2, 2, 2, 2, 2, 2, 2, 0)}


def _post(client: TestClient, h: dict[str, str], rid: str, which: str, at: str) -> Any:
    body = {"id": rid, "code": "phq9", "answers": ANSWERS[which], "answered_at": at}
    return client.post("/v1/questionnaire-responses", json=body, headers=h)


def _shape(r: Any, sent_id: str) -> tuple[Any, ...]:
    """What the caller can observe, with the sent id taken out."""
    body = r.json()
    return (r.status_code, sorted(r.headers.keys()), body["id"] == sent_id, sorted(body))


def test_another_patients_id_answers_like_a_fresh_one(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    at = iso(team.clock.now)
    theirs_id = str(uuid.uuid4())
    theirs = _post(team.client, team.ph, theirs_id, "a", at)
    assert theirs.status_code == 201
    intruder = make_patient(db)
    make_therapist(db, patients=(intruder,))
    h = login(intruder)
    fresh_id = str(uuid.uuid4())
    fresh = _post(team.client, h, fresh_id, "b", at)
    taken = _post(team.client, h, theirs_id, "b", at)
    assert taken.status_code == 201, taken.text
    assert _shape(taken, theirs_id) == _shape(fresh, fresh_id)
    assert "Idempotent-Replayed" not in taken.headers
    # Each patient reads their own answers under the same id; the first is untouched.
    mine = team.client.get("/v1/me/questionnaire-responses", headers=h).json()["items"]
    assert {(r["id"], r["score"]) for r in mine} == {(fresh_id, 16), (theirs_id, 16)}
    first = team.client.get("/v1/me/questionnaire-responses", headers=team.ph).json()["items"]
    assert [(r["id"], r["score"]) for r in first] == [(theirs_id, 8)]
    seen = team.client.get(
        f"/v1/patients/{team.patient.id}/questionnaire-responses", headers=team.th
    ).json()["items"]
    assert [(r["id"], r["score"]) for r in seen] == [(theirs_id, 8)]
    synced = team.client.get("/v1/entries/sync", headers=h).json()
    assert theirs_id in {r["id"] for r in synced["questionnaire_responses"]}
    exported = team.client.get("/v1/me/export", headers=h).json()
    assert theirs_id in {r["id"] for r in exported["questionnaire_responses"]}


def test_idempotency_holds_inside_the_second_namespace(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    at = iso(team.clock.now)
    rid = str(uuid.uuid4())
    assert _post(team.client, team.ph, rid, "a", at).status_code == 201
    h = login(make_patient(db))
    first = _post(team.client, h, rid, "b", at)
    replay = _post(team.client, h, rid, "b", at)
    assert (replay.status_code, replay.headers["Idempotent-Replayed"]) == (201, "true")
    assert replay.json() == first.json()
    changed = _post(team.client, h, rid, "a", at)
    assert (changed.status_code, changed.json()["code"]) == (409, "idempotency_conflict")
    # and the first patient's own retry is still theirs
    again = _post(team.client, team.ph, rid, "a", at)
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")


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
    for who, which, answers in steps:
        r = _post(client, headers[who], ids[which], answers, at)
        known = model[who].get(ids[which])
        if known is None:
            assert (r.status_code, "Idempotent-Replayed" in r.headers) == (201, False), r.text
            model[who][ids[which]] = answers
        elif known == answers:
            assert (r.status_code, r.headers.get("Idempotent-Replayed")) == (201, "true")
        else:
            assert (r.status_code, r.json()["code"]) == (409, "idempotency_conflict")
        if r.status_code == 201:
            assert r.json()["id"] == ids[which]
    scores = {"a": 8, "b": 16}
    for who in (0, 1):
        items = client.get("/v1/me/questionnaire-responses", headers=headers[who]).json()["items"]
        assert {(r["id"], r["score"]) for r in items} == {
            (rid, scores[a]) for rid, a in model[who].items()
        }
