"""The daily check-in: due once a day while a window is open, at the patient's chosen
time out of quiet hours, answered like any questionnaire; a yes asks for the C-SSRS."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.safety.models import SafetyFlag
from tests.conftest import Clock
from tests.entries.conftest import Team
from tests.factories import make_patient, make_therapist
from tests.questionnaires.conftest import answer

ZONE = "America/New_York"
ENROLLED = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DOSE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # 10:00 EST


@pytest.fixture
def ny(client: TestClient, db: Session, login, clock: Clock) -> Team:  # type: ignore[no-untyped-def]
    patient = make_patient(db, timezone=ZONE, now=ENROLLED)
    therapist = make_therapist(db, patients=(patient,))
    return Team(client, patient, therapist, login(patient), login(therapist), clock, login)


def _at(t: Team, when: datetime) -> None:
    t.clock.set(when)
    t.relogin()


def _due(t: Team) -> list[dict]:  # type: ignore[type-arg]
    r = t.client.get("/v1/me/questionnaires/due", headers=t.ph)
    assert r.status_code == 200, r.text
    return [i for i in r.json()["items"] if i["code"] == "daily_check_in"]


def _flags(db: Session) -> list[SafetyFlag]:
    db.expire_all()
    return list(db.exec(select(SafetyFlag)).all())


def _check_in(wish: int, thoughts: int, mood: int = 5) -> dict[str, int]:
    return {"check_in_1": wish, "check_in_2": thoughts, "check_in_mood": mood}


def test_no_check_in_is_due_without_an_open_window(ny: Team) -> None:
    _at(ny, ENROLLED + timedelta(days=1, hours=8))
    assert _due(ny) == []


def test_the_check_in_is_due_once_a_day_at_the_default_time_while_a_window_is_open(
    ny: Team,
) -> None:
    _at(ny, DOSE - timedelta(minutes=5))
    ny.session(DOSE)
    _at(ny, DOSE + timedelta(hours=8))  # 18:00 EST: before 19:00
    assert _due(ny) == []
    _at(ny, DOSE + timedelta(hours=9, minutes=1))  # 19:01 EST
    (item,) = _due(ny)
    assert item["reason"] == "daily" and item["due_at"].startswith("2026-03-05T00:00")
    answer(ny, "daily_check_in", _check_in(0, 0, 7), ny.clock.now)
    assert _due(ny) == []
    _at(ny, DOSE + timedelta(days=1, hours=9, minutes=1))  # the next evening
    assert len(_due(ny)) == 1


def test_the_patient_chooses_the_time_and_quiet_hours_push_it_to_the_morning(
    ny: Team,
) -> None:
    r = ny.client.patch("/v1/me", json={"check_in_time": "12:30"}, headers=ny.ph)
    assert r.status_code == 200 and r.json()["check_in_time"] == "12:30"
    _at(ny, DOSE - timedelta(minutes=5))
    ny.session(DOSE)
    _at(ny, DOSE + timedelta(hours=3))  # 13:00 EST
    (item,) = _due(ny)
    assert item["due_at"].startswith("2026-03-04T17:30")
    r = ny.client.patch("/v1/me", json={"check_in_time": "23:15"}, headers=ny.ph)
    assert r.status_code == 200
    # 23:15 is in quiet hours (22:00-08:00): asked at 08:00 the next morning instead.
    _at(ny, DOSE + timedelta(days=1, hours=-1, minutes=1))  # 09:01 EST next day
    due_at = sorted(i["due_at"] for i in _due(ny))
    assert "2026-03-05T13:00:00Z" in due_at


def test_a_bad_check_in_time_is_refused(ny: Team) -> None:
    r = ny.client.patch("/v1/me", json={"check_in_time": "25:00"}, headers=ny.ph)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


def test_two_no_answers_raise_nothing_and_the_mood_is_the_score(ny: Team, db: Session) -> None:
    out = answer(ny, "daily_check_in", _check_in(0, 0, 3), ny.clock.now)
    assert (out["score"], out["severity"], out["safety"]) == (3, "none", None)
    assert _flags(db) == []


def test_thoughts_of_killing_oneself_raise_a_review_flag_and_ask_for_the_cssrs(
    ny: Team, db: Session
) -> None:
    _at(ny, ENROLLED + timedelta(days=1))
    out = answer(ny, "daily_check_in", _check_in(1, 1, 2), ny.clock.now)
    assert out["safety"]["flagged"] is True and out["safety"]["urgent"] is False
    assert [(f.rule, f.level) for f in _flags(db)] == [("check_in_suicidal_thoughts", "review")]
    r = ny.client.get("/v1/me/questionnaires/due", headers=ny.ph)
    assert ("cssrs_screener", "after_flag") in {(i["code"], i["reason"]) for i in r.json()["items"]}


def test_a_wish_to_be_dead_alone_is_for_review(ny: Team, db: Session) -> None:
    out = answer(ny, "daily_check_in", _check_in(1, 0), ny.clock.now)
    assert out["severity"] == "low" and out["safety"]["urgent"] is False
    assert [(f.rule, f.level) for f in _flags(db)] == [("check_in_wish_dead", "review")]


def test_the_check_in_is_offered_in_spanish(ny: Team) -> None:
    r = ny.client.get("/v1/questionnaires/daily_check_in?locale=es", headers=ny.ph)
    body = r.json()
    assert (body["locale"], body["translation_available"]) == ("es", True)
    assert body["items"][1]["text"].startswith("En las últimas 24 horas")
