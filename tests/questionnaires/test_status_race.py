"""A queue read that derived the status before a write must not keep what it saw."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from app.questionnaires.clinic import queue_fields
from app.questionnaires.deps import measure_rules_from
from app.questionnaires.kept import derive, store
from app.questionnaires.models import QuestionnaireStatus
from tests.entries.conftest import Team
from tests.questionnaires.conftest import answer, phq9


def _status(db: Session, team: Team) -> QuestionnaireStatus:
    db.expire_all()
    row = db.get(QuestionnaireStatus, team.patient.id)
    assert row is not None
    return row


def test_a_status_derived_before_a_write_is_not_kept_after_it(
    team: Team, client: TestClient, db: Session, settings: Settings
) -> None:
    rules = measure_rules_from(settings)
    team.session(team.clock.now - timedelta(hours=30))
    assert client.get("/v1/therapist/queue", headers=team.th).status_code == 200
    seen = {team.patient.id: _status(db, team).generation}
    # Derived from the data as it was, then a write lands before the read stores it.
    early = derive(db, [team.patient], rules, team.clock.now)
    answer(team, "phq9", phq9(2, 2, 2, 2, 2, 2, 2, 2, 0), team.clock.now)
    store(db, early, seen)

    kept = _status(db, team)
    assert kept.valid_until <= team.clock.now  # still stale: the next read derives it
    r = client.get("/v1/therapist/queue", headers=team.th)
    [item] = r.json()["items"]
    scratch = queue_fields(db, [team.patient.id], rules, team.clock.now)[team.patient.id]
    assert item["latest_phq9"]["score"] == scratch["latest_phq9"]["score"] == 16


def test_a_status_derived_with_no_write_since_is_kept(
    team: Team, client: TestClient, db: Session, settings: Settings
) -> None:
    rules = measure_rules_from(settings)
    answer(team, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), team.clock.now)
    assert client.get("/v1/therapist/queue", headers=team.th).status_code == 200
    before = _status(db, team)
    store(
        db, derive(db, [team.patient], rules, team.clock.now), {team.patient.id: before.generation}
    )
    assert _status(db, team).valid_until > team.clock.now
