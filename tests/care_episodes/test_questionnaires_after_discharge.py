"""After discharge nothing is asked of the patient (schedule, check-in, reminders) and
what they answer stays theirs; a re-admission asks again, from a new baseline."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.notifications.models import Notification, NotificationStatus
from app.worker import still_wanted
from tests.conftest import Clock
from tests.entries.conftest import Team
from tests.factories import make_patient, make_therapist
from tests.questionnaires.conftest import answer, due_now, gad7, move_clock, phq9

ZONE = "America/New_York"
ENROLLED = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DOSE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # 10:00 EST


@pytest.fixture
def ny(client: TestClient, db: Session, login, clock: Clock) -> Team:  # type: ignore[no-untyped-def]
    clock.set(ENROLLED)
    patient = make_patient(db, timezone=ZONE, now=ENROLLED)
    therapist = make_therapist(db, patients=(patient,))
    return Team(client, patient, therapist, login(patient), login(therapist), clock, login)


def _discharge(t: Team) -> None:
    r = t.client.post(
        f"/v1/patients/{t.patient.id}/discharge", json={"reason": "Course done"}, headers=t.th
    )
    assert r.status_code == 200, r.text


def _readmit(t: Team) -> None:
    r = t.client.post(f"/v1/patients/{t.patient.id}/readmission", headers=t.th)
    assert r.status_code == 201, r.text


def _live_reminders(db: Session, t: Team) -> list[Notification]:
    db.expire_all()
    rows = db.exec(
        select(Notification).where(
            Notification.user_id == t.patient.id, Notification.kind == "questionnaire_due"
        )
    ).all()
    return [n for n in rows if n.status == NotificationStatus.pending and still_wanted(db, n)]


def _enrolment_answered(t: Team) -> None:
    answer(t, "phq9", phq9(2, 2, 1, 1, 1, 1, 1, 1, 0), t.clock.now)
    answer(t, "gad7", gad7(2, 1, 1, 1, 1, 1, 1), t.clock.now)


def test_nothing_is_due_after_discharge_not_even_the_check_in(ny: Team, db: Session) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _enrolment_answered(ny)
    move_clock(ny, DOSE - timedelta(minutes=5))
    ny.session(DOSE)
    move_clock(ny, DOSE + timedelta(hours=9, minutes=1))  # 19:01 EST: the check-in is due
    assert ("daily_check_in", "daily") in due_now(ny)
    assert _live_reminders(db, ny)
    _discharge(ny)
    assert due_now(ny) == []
    assert _live_reminders(db, ny) == []
    # Nor later: the next evening's check-in, the integration phase, two weeks on.
    for later in (timedelta(days=1, hours=9, minutes=1), timedelta(hours=30), timedelta(days=20)):
        move_clock(ny, DOSE + later)
        assert due_now(ny) == []
    r = ny.client.get(f"/v1/patients/{ny.patient.id}/questionnaire-schedule", headers=ny.th)
    after = [o for o in r.json()["occurrences"] if o["due_at"] > iso_z(DOSE + timedelta(hours=10))]
    assert after == []


def iso_z(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def test_nothing_can_be_assigned_after_discharge(ny: Team) -> None:
    _discharge(ny)
    r = ny.client.post(
        f"/v1/patients/{ny.patient.id}/questionnaire-assignments",
        json={"code": "phq9"},
        headers=ny.th,
    )
    assert (r.status_code, r.json()["code"]) == (409, "patient_discharged")


def test_readmission_makes_them_due_again_from_a_new_baseline(ny: Team, db: Session) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _enrolment_answered(ny)
    _discharge(ny)
    move_clock(ny, ENROLLED + timedelta(days=30))
    assert due_now(ny) == []
    _readmit(ny)
    assert due_now(ny) == [("gad7", "enrolment"), ("phq9", "enrolment")]
    assert {str(n.data["code"]) for n in _live_reminders(db, ny)} >= {"phq9", "gad7"}
    _enrolment_answered(ny)
    assert due_now(ny) == []
    # The between-windows cadence counts afresh from the re-admission.
    move_clock(ny, ENROLLED + timedelta(days=44))
    assert ("phq9", "between_windows") in due_now(ny)
    # And a new dose brings the check-in back.
    move_clock(ny, DOSE + timedelta(days=40))
    ny.session(ny.clock.now - timedelta(minutes=1))
    move_clock(ny, ny.clock.now + timedelta(hours=12))
    assert ("daily_check_in", "daily") in due_now(ny)


def _hidden_setup(t: Team) -> tuple[str, str, str]:
    """A PHQ-9 in treatment, one after discharge, and the session of the window."""
    move_clock(t, DOSE - timedelta(minutes=5))
    sid = t.session(DOSE)
    move_clock(t, DOSE + timedelta(hours=25))
    during = answer(t, "phq9", phq9(3, 3, 2, 2, 2, 2, 1, 1, 0), t.clock.now)["id"]
    move_clock(t, t.clock.now + timedelta(minutes=1))
    _discharge(t)
    move_clock(t, t.clock.now + timedelta(hours=1))
    after = answer(t, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 0), t.clock.now)
    assert after["reason"] is None  # answers nothing asked
    return sid, during, after["id"]


def test_answers_after_discharge_are_hidden_from_the_care_team(ny: Team) -> None:
    sid, during, after = _hidden_setup(ny)
    base = f"/v1/patients/{ny.patient.id}"
    seen = ny.client.get(f"{base}/questionnaire-responses", headers=ny.th).json()["items"]
    assert [r["id"] for r in seen] == [during]
    scores = ny.client.get(f"{base}/scores?code=phq9", headers=ny.th).json()
    assert [p["score"] for p in scores["points"]] == [16]
    summary = ny.client.get(f"{base}/sessions/{sid}/summary", headers=ny.th).json()
    assert [p["score"] for p in summary["questionnaire_scores"]["window"]["phq9"]] == [16]
    queue = ny.client.get("/v1/therapist/queue", headers=ny.th).json()["items"]
    assert queue[0]["latest_phq9"]["score"] == 16
    # The patient keeps every answer.
    mine = ny.client.get("/v1/me/questionnaire-responses", headers=ny.ph).json()["items"]
    assert {r["id"] for r in mine} == {during, after}
    own = ny.client.get(f"{base}/scores?code=phq9", headers=ny.ph).json()
    assert [p["score"] for p in own["points"]] == [16, 0]


def test_answers_out_of_treatment_stay_hidden_after_readmission(ny: Team) -> None:
    _sid, during, _after = _hidden_setup(ny)
    move_clock(ny, ny.clock.now + timedelta(days=2))
    _readmit(ny)
    move_clock(ny, ny.clock.now + timedelta(minutes=1))
    again = answer(ny, "phq9", phq9(1, 1, 1, 1, 1, 1, 1, 1, 0), ny.clock.now)["id"]
    base = f"/v1/patients/{ny.patient.id}"
    seen = ny.client.get(f"{base}/questionnaire-responses", headers=ny.th).json()["items"]
    assert [r["id"] for r in seen] == [again, during]
