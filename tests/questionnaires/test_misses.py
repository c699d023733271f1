"""A questionnaire that expires unanswered is written down as missed, and stays so."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.core.clock import utcnow
from app.core.config import Settings
from app.notifications.senders import LogSender
from app.questionnaires.deps import measure_rules_from
from app.questionnaires.misses import MissSweep, record_misses
from app.questionnaires.models import QuestionnaireMiss
from app.worker import run_once
from tests.conftest import Clock
from tests.entries.conftest import Team
from tests.factories import make_patient, make_therapist
from tests.questionnaires.conftest import answer, gad7

ENROLLED = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def enrolled(client: TestClient, db: Session, login, clock: Clock) -> Team:  # type: ignore[no-untyped-def]
    patient = make_patient(db, now=ENROLLED)
    therapist = make_therapist(db, patients=(patient,))
    return Team(client, patient, therapist, login(patient), login(therapist), clock, login)


def _sweep(t: Team, db: Session, app: FastAPI) -> int:
    return record_misses(db, [t.patient], measure_rules_from(app.state.ctx.settings), t.clock.now)


def _schedule(t: Team) -> dict[tuple[str, str], str]:
    r = t.client.get(f"/v1/patients/{t.patient.id}/questionnaire-schedule", headers=t.th)
    assert r.status_code == 200, r.text
    return {(o["code"], o["reason"]): o["status"] for o in r.json()["occurrences"]}


def test_an_expired_questionnaire_is_written_down_once(
    enrolled: Team, db: Session, app: FastAPI
) -> None:
    enrolled.clock.set(ENROLLED + timedelta(days=6))
    assert _sweep(enrolled, db, app) == 0  # still open: nothing is missed yet
    enrolled.clock.set(ENROLLED + timedelta(days=8))  # open for 7 days by default
    enrolled.relogin()
    _sweep(enrolled, db, app)
    _sweep(enrolled, db, app)
    rows = db.exec(
        select(QuestionnaireMiss).where(QuestionnaireMiss.patient_id == enrolled.patient.id)
    ).all()
    assert sorted((m.code, m.reason) for m in rows) == [
        ("gad7", "enrolment"),
        ("phq9", "enrolment"),
    ]
    assert {m.recorded_at for m in rows} == {ENROLLED + timedelta(days=8)}


def test_a_miss_stays_on_the_record_when_the_schedule_changes_or_a_late_answer_comes(
    enrolled: Team, db: Session, app: FastAPI
) -> None:
    enrolled.clock.set(ENROLLED + timedelta(days=8))
    enrolled.relogin()
    _sweep(enrolled, db, app)
    # The care team stops the PHQ-9 at enrolment: the schedule no longer derives it.
    r = enrolled.client.put(
        f"/v1/patients/{enrolled.patient.id}/questionnaire-schedule",
        json={"plans": {"phq9": {"enrolment": False}}},
        headers=enrolled.th,
    )
    assert r.status_code == 200, r.text
    late = answer(enrolled, "gad7", gad7(1, 1, 1, 1, 0, 0, 0), enrolled.clock.now)
    assert late["reason"] == "enrolment"
    statuses = _schedule(enrolled)
    assert statuses[("phq9", "enrolment")] == "missed"
    assert statuses[("gad7", "enrolment")] == "late"
    exported = enrolled.client.get("/v1/me/export", headers=enrolled.ph).json()
    assert sorted(m["code"] for m in exported["questionnaire_misses"]) == ["gad7", "phq9"]
    assert [r["code"] for r in exported["questionnaire_responses"]] == ["gad7"]


def test_the_worker_writes_misses_down_for_every_active_patient(
    live_app: FastAPI, live_db: Session, engine: Engine, settings: Settings
) -> None:
    now = utcnow()
    silent = make_patient(live_db, now=now - timedelta(days=10))
    gone = make_patient(live_db, now=now - timedelta(days=10), is_active=False)
    fresh = make_patient(live_db, now=now - timedelta(hours=1))
    live_db.commit()
    run_once(engine, settings, LogSender(), MissSweep())
    found = {
        (m.patient_id, m.code)
        for m in live_db.exec(select(QuestionnaireMiss)).all()
        if m.reason == "enrolment"
    }
    assert {(silent.id, "phq9"), (silent.id, "gad7")} <= found
    assert not {pid for pid, _ in found} & {gone.id, fresh.id}


def test_the_sweep_goes_round_every_patient_a_batch_at_a_time(
    live_app: FastAPI, live_db: Session, engine: Engine, settings: Settings
) -> None:
    now = utcnow()
    patients = [make_patient(live_db, now=now - timedelta(days=10)) for _ in range(5)]
    live_db.commit()
    sweep = MissSweep(batch=2)
    rules = measure_rules_from(settings)
    for _ in range(3):  # 3 passes of 2 cover 5 patients
        sweep.run(engine, rules, now)
    live_db.expire_all()
    covered = {m.patient_id for m in live_db.exec(select(QuestionnaireMiss)).all()}
    assert {p.id for p in patients} <= covered


def test_after_a_whole_round_the_sweep_rests_then_goes_round_again(
    live_app: FastAPI, live_db: Session, engine: Engine, settings: Settings
) -> None:
    now = utcnow()
    make_patient(live_db, now=now - timedelta(days=10))
    live_db.commit()
    sweep = MissSweep(batch=50, rest=timedelta(minutes=5))
    rules = measure_rules_from(settings)
    assert sweep.run(engine, rules, now) > 0  # one pass covers every patient
    assert sweep.run(engine, rules, now + timedelta(minutes=4)) == 0
    assert sweep.run(engine, rules, now + timedelta(minutes=5)) > 0
