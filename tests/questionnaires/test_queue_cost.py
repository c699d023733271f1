"""The queue's questionnaire fields cost the same statements for 2 or 12 patients."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.conftest import Clock
from tests.entries.conftest import Team
from tests.entries.test_access import count_statements
from tests.factories import make_patient, make_therapist
from tests.questionnaires.conftest import answer, phq9


def test_the_queue_costs_the_same_statements_for_2_or_12_patients(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,
    engine: Engine,  # type: ignore[no-untyped-def]
) -> None:
    costs = []
    for n in (2, 12):
        patients = [make_patient(db) for _ in range(n)]
        therapist = make_therapist(db, patients=tuple(patients))
        th = login(therapist)
        for p in patients:
            t = Team(client, p, therapist, login(p), th, clock, login)
            t.session(clock.now - timedelta(hours=30))
            answer(t, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), clock.now)
        with count_statements(engine) as seen:
            r = client.get("/v1/therapist/queue", headers=th)
        assert r.status_code == 200 and len(r.json()["items"]) == n
        assert {i["latest_phq9"]["score"] for i in r.json()["items"]} == {8}
        costs.append(len(seen))
    assert costs[0] == costs[1]
