"""Property: after any sequence of sessions, answers, assignments, schedule changes,
flags, discharges, readmissions and clock moves, the queue's kept questionnaire status
equals the status derived from scratch at that moment."""

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.core.config import Settings
from app.questionnaires.clinic import queue_fields
from app.questionnaires.deps import measure_rules_from
from app.questionnaires.kept import queue_status
from tests.conftest import Clock
from tests.entries.conftest import iso
from tests.factories import make_patient, make_therapist

RISKY = "I want to kill myself tonight"
CODES = st.sampled_from(["phq9", "gad7", "pcl5", "cssrs_screener", "daily_check_in"])
# Across the due, expiry, window and lookback (120 days) boundaries.
HOURS = st.sampled_from([1, 2, 6, 23, 24, 25, 71, 72, 24 * 7, 24 * 14, 24 * 30, 24 * 121])
STEP = st.one_of(
    st.tuples(st.just("wait"), HOURS),
    st.tuples(st.just("wait"), HOURS),
    st.tuples(st.just("session"), st.integers(0, 60)),
    st.tuples(st.just("move_session"), st.integers(0, 9), st.integers(1, 96)),
    st.tuples(st.just("delete_session"), st.integers(0, 9)),
    st.tuples(st.just("answer"), st.sampled_from(["phq9", "gad7"]), st.integers(0, 1)),
    st.tuples(st.just("assign"), CODES, st.integers(-2, 48)),
    st.tuples(
        st.just("plan"),
        st.sampled_from(["phq9", "gad7", "pcl5"]),
        st.sampled_from([0, 1, 3, 14]),
        st.booleans(),
    ),
    st.tuples(st.just("flag")),
    st.tuples(st.just("discharge")),
    st.tuples(st.just("readmit")),
    st.tuples(st.just("look")),
)


def _shown(item: dict[str, Any]) -> tuple[Any, ...]:
    phq9 = item["latest_phq9"]
    return (
        item["questionnaires_overdue"],
        sorted(item["overdue_codes"]),
        None if phq9 is None else (phq9["score"], phq9["severity"]),
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=14))
def test_kept_questionnaire_status_always_equals_status_from_scratch(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,
    settings: Settings,
    steps: list[tuple],  # type: ignore[no-untyped-def,type-arg]
) -> None:
    rules = measure_rules_from(settings)
    patient = make_patient(db)
    therapist = make_therapist(db, patients=(patient,))
    sessions: list[str] = []

    def check() -> None:
        r = client.get("/v1/therapist/queue", headers=login(therapist))
        assert r.status_code == 200, r.text
        shown = [i for i in r.json()["items"] if i["patient"]["id"] == str(patient.id)]
        scratch = queue_fields(db, [patient.id], rules, clock.now)[patient.id]
        # A discharged patient leaves the queue: read the kept row the way the queue does.
        item = shown[0] if shown else queue_status(db, [patient.id], rules, clock.now)[patient.id]
        assert _shown(item) == _shown(scratch)

    for step in steps:
        ph, th = login(patient), login(therapist)
        kind = step[0]
        base = f"/v1/patients/{patient.id}"
        if kind == "wait":
            clock.advance(hours=step[1])
        elif kind == "session":
            r = client.post(
                f"{base}/sessions",
                json={"administered_at": iso(clock.now - timedelta(hours=step[1])), "route": "im"},
                headers=th,
            )
            assert r.status_code < 500
            if r.status_code == 201:
                sessions.append(r.json()["id"])
        elif kind == "move_session" and sessions:
            sid = sessions[step[1] % len(sessions)]
            at = clock.now - timedelta(hours=step[2])
            r = client.patch(f"/v1/sessions/{sid}", json={"administered_at": iso(at)}, headers=th)
            assert r.status_code < 500
        elif kind == "delete_session" and sessions:
            sid = sessions.pop(step[1] % len(sessions))
            assert client.delete(f"/v1/sessions/{sid}", headers=th).status_code < 500
        elif kind == "answer":
            n = 9 if step[1] == "phq9" else 7
            answers = {f"{step[1]}_{i}": 1 for i in range(1, n + 1)}
            if step[1] == "phq9":
                answers["phq9_9"] = step[2]
            r = client.post(
                "/v1/questionnaire-responses",
                json={"code": step[1], "answers": answers, "answered_at": iso(clock.now)},
                headers=ph,
            )
            assert r.status_code < 500
        elif kind == "assign":
            due = clock.now + timedelta(hours=step[2])
            r = client.post(
                f"{base}/questionnaire-assignments",
                json={"code": step[1], "due_at": iso(due)},
                headers=th,
            )
            assert r.status_code < 500
        elif kind == "plan":
            plan = {"between_windows_days": step[2], "integration": step[3]}
            r = client.put(
                f"{base}/questionnaire-schedule", json={"plans": {step[1]: plan}}, headers=th
            )
            assert r.status_code < 500
        elif kind == "flag":
            r = client.post(
                "/v1/entries",
                json={"body": RISKY, "written_at": iso(clock.now), "shared_with_care_team": True},
                headers=ph,
            )
            assert r.status_code < 500
        elif kind == "discharge":
            r = client.post(f"{base}/discharge", json={"reason": "course done"}, headers=th)
            assert r.status_code < 500
        elif kind == "readmit":
            assert client.post(f"{base}/readmission", headers=th).status_code < 500
        check()
