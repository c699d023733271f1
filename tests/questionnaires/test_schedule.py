"""When questionnaires fall due, with the test clock, in the patient's time zone."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.core.config import Settings
from app.notifications.models import Notification, NotificationStatus
from app.questionnaires.deps import measure_rules_from
from app.questionnaires.reminders import plan_flag_followups, plan_reminders
from app.questionnaires.schedule import Occurrence, one_open_per_instrument
from app.safety.models import SafetyFlag
from app.worker import still_wanted
from tests.conftest import Clock
from tests.entries.conftest import Team
from tests.factories import make_patient, make_therapist
from tests.questionnaires.conftest import answer, due_now, gad7, move_clock, phq9

ZONE = "America/New_York"
ENROLLED = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
# 21:00 EST: the after-effects check 2 h later falls at 23:00, in quiet hours.
DOSE = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def ny(client: TestClient, db: Session, login, clock: Clock) -> Team:  # type: ignore[no-untyped-def]
    patient = make_patient(db, timezone=ZONE, now=ENROLLED)
    therapist = make_therapist(db, patients=(patient,))
    return Team(client, patient, therapist, login(patient), login(therapist), clock, login)


def _follow_up(db: Session, settings: Settings, t: Team) -> int:
    """What the worker does after a flag: plan its C-SSRS reminder."""
    done = plan_flag_followups(db, rules=measure_rules_from(settings), now=t.clock.now, batch=50)
    db.flush()
    return done


def _reminders(db: Session, t: Team) -> dict[str, Notification]:
    db.expire_all()
    rows = db.exec(
        select(Notification).where(
            Notification.user_id == t.patient.id, Notification.kind == "questionnaire_due"
        )
    ).all()
    return {str(n.data["occurrence_key"]): n for n in rows}


def _answer_enrolment(t: Team) -> None:
    answer(t, "phq9", phq9(2, 2, 1, 1, 1, 1, 1, 1, 0), t.clock.now)
    answer(t, "gad7", gad7(2, 1, 1, 1, 1, 1, 1), t.clock.now)


def test_phq9_and_gad7_are_due_at_enrolment(ny: Team) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    assert due_now(ny) == [("gad7", "enrolment"), ("phq9", "enrolment")]


def test_answering_takes_an_item_off_the_due_list(ny: Team) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    assert due_now(ny) == []


def test_after_effects_fall_due_two_hours_after_a_dose(ny: Team) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    move_clock(ny, DOSE)
    ny.session(DOSE)
    move_clock(ny, DOSE + timedelta(hours=1))
    assert due_now(ny) == []
    move_clock(ny, DOSE + timedelta(hours=2))
    assert due_now(ny) == [("after_effects", "after_dose")]


def test_phq9_and_gad7_fall_due_in_the_integration_phase_of_each_window(ny: Team) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    move_clock(ny, DOSE)
    sid = ny.session(DOSE)
    move_clock(ny, DOSE + timedelta(hours=23, minutes=59))
    assert ("phq9", "integration") not in due_now(ny)
    move_clock(ny, DOSE + timedelta(hours=24))
    assert {("gad7", "integration"), ("phq9", "integration")} <= set(due_now(ny))
    out = answer(ny, "phq9", phq9(1, 1, 1, 1, 1, 0, 0, 0, 0), ny.clock.now)
    assert (out["reason"], out["session_id"], out["phase"]) == ("integration", sid, "integration")


def test_an_unanswered_integration_questionnaire_is_recorded_as_missed(ny: Team) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    move_clock(ny, DOSE)
    ny.session(DOSE)
    move_clock(ny, DOSE + timedelta(hours=49))  # the window closed at 48 h
    r = ny.client.get(f"/v1/patients/{ny.patient.id}/questionnaire-schedule", headers=ny.th)
    statuses = {(o["code"], o["reason"]): o["status"] for o in r.json()["occurrences"]}
    assert statuses[("phq9", "integration")] == "missed"
    assert statuses[("phq9", "enrolment")] == "answered"
    queue = ny.client.get("/v1/therapist/queue", headers=ny.th).json()["items"]
    assert queue[0]["questionnaires_overdue"] is True
    assert queue[0]["latest_phq9"]["severity"] == "moderate"


def test_phq9_falls_due_every_14_days_between_windows(ny: Team) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    move_clock(ny, DOSE)
    ny.session(DOSE)
    closes = DOSE + timedelta(hours=48)
    move_clock(ny, closes + timedelta(days=13, hours=23))
    assert ("phq9", "between_windows") not in due_now(ny)
    move_clock(ny, closes + timedelta(days=14))
    assert {("gad7", "between_windows"), ("phq9", "between_windows")} <= set(due_now(ny))


def test_the_care_team_can_turn_off_between_windows_checks_for_one_patient(ny: Team) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    r = ny.client.put(
        f"/v1/patients/{ny.patient.id}/questionnaire-schedule",
        json={"plans": {"phq9": {"between_windows_days": 0}}},
        headers=ny.th,
    )
    assert r.status_code == 200, r.text
    assert r.json()["plans"]["phq9"]["between_windows_days"] == 0
    move_clock(ny, ENROLLED + timedelta(days=15))
    assert due_now(ny) == [("gad7", "between_windows")]


def test_the_after_effects_reminder_waits_for_the_end_of_quiet_hours_local_time(
    ny: Team, db: Session
) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    move_clock(ny, DOSE)
    sid = ny.session(DOSE)
    reminder = _reminders(db, ny)[f"after_dose:{sid}:after_effects"]
    # 23:00 EST is quiet: 08:00 EST the next morning is 13:00 UTC.
    assert reminder.due_at == datetime(2026, 3, 5, 13, 0, tzinfo=UTC)
    integration = _reminders(db, ny)[f"integration:{sid}:phq9"]
    assert integration.due_at == DOSE + timedelta(hours=24)  # 21:00 EST, not quiet


def test_answering_cancels_the_reminder_and_a_due_one_is_checked_again(
    ny: Team, db: Session
) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    move_clock(ny, DOSE)
    sid = ny.session(DOSE)
    reminder = _reminders(db, ny)[f"after_dose:{sid}:after_effects"]
    assert still_wanted(db, reminder) is True
    move_clock(ny, DOSE + timedelta(hours=3))
    answers = dict.fromkeys(
        ("ae_nausea", "ae_dizziness", "ae_headache", "ae_dissociation", "ae_other"), 0
    )
    answer(ny, "after_effects", answers, ny.clock.now)
    reminder = _reminders(db, ny)[f"after_dose:{sid}:after_effects"]
    assert reminder.status == NotificationStatus.cancelled
    assert still_wanted(db, reminder) is False


def test_a_safety_flag_puts_the_cssrs_screener_due_at_once(
    ny: Team, db: Session, settings: Settings
) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    ny.write(ny.clock.now, body="Some nights I want to die.")
    # Due at once, before any worker ran; the worker then plans its reminder, once.
    assert due_now(ny) == [("cssrs_screener", "after_flag")]
    assert not any(k.startswith("after_flag:") for k in _reminders(db, ny))
    assert _follow_up(db, settings, ny) == 1
    assert any(k.startswith("after_flag:") for k in _reminders(db, ny))
    assert _follow_up(db, settings, ny) == 0
    flags = db.exec(select(SafetyFlag).where(SafetyFlag.patient_id == ny.patient.id)).all()
    assert [f.followup_planned_at for f in flags] == [ny.clock.now]


def test_a_flag_raised_by_an_answer_is_followed_up_too(
    ny: Team, db: Session, settings: Settings
) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    answers = dict.fromkeys((f"phq9_{i}" for i in range(1, 10)), 0) | {"phq9_9": 2}
    answer(ny, "phq9", answers, ny.clock.now)
    assert ("cssrs_screener", "after_flag") in due_now(ny)
    assert _follow_up(db, settings, ny) == 1
    assert any(k.endswith(":cssrs_screener") for k in _reminders(db, ny))


def test_a_cssrs_flag_does_not_ask_for_another_cssrs(ny: Team) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    answers = {"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 1, "cssrs_4": 0, "cssrs_5": 0, "cssrs_6": 0}
    answer(ny, "cssrs_screener", answers, ny.clock.now)
    assert due_now(ny) == []


def test_an_assignment_is_due_from_its_due_at(ny: Team) -> None:
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    r = ny.client.post(
        f"/v1/patients/{ny.patient.id}/questionnaire-assignments",
        json={"code": "pcl5", "due_at": (ny.clock.now + timedelta(days=1)).isoformat()},
        headers=ny.th,
    )
    assert r.status_code == 201, r.text
    assert due_now(ny) == []
    move_clock(ny, ny.clock.now + timedelta(days=1))
    assert due_now(ny) == [("pcl5", "assigned")]


def test_the_same_questionnaire_is_never_due_twice_and_one_push_announces_them(
    ny: Team, db: Session
) -> None:
    """An unanswered enrolment PHQ-9 gives way to the integration one; the patient is
    asked once, and a worker pass sends one questionnaire push, not one per instrument."""
    move_clock(ny, DOSE)
    sid = ny.session(DOSE)
    move_clock(ny, DOSE + timedelta(hours=24))
    due = due_now(ny)
    assert [code for code, _ in due].count("phq9") == 1
    assert ("phq9", "integration") in due and ("phq9", "enrolment") not in due
    r = ny.client.get(f"/v1/patients/{ny.patient.id}/questionnaire-schedule", headers=ny.th)
    statuses = {(o["code"], o["reason"]): o["status"] for o in r.json()["occurrences"]}
    assert statuses[("phq9", "enrolment")] == "superseded"
    reminders = _reminders(db, ny)
    phq9_now, gad7_now = reminders[f"integration:{sid}:phq9"], reminders[f"integration:{sid}:gad7"]
    assert phq9_now.due_at == gad7_now.due_at
    # The first goes out; the second, due in the same pass, is not pushed again.
    phq9_now.status, phq9_now.sent_at = NotificationStatus.sent, ny.clock.now
    db.add(phq9_now)
    db.commit()
    assert still_wanted(db, gad7_now) is False
    assert gad7_now.body == "You have questionnaires to fill in when you have a moment."


def test_the_questionnaire_push_speaks_the_patients_language(
    client: TestClient,
    db: Session,
    login,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    clock.set(ENROLLED)
    patient = make_patient(db, timezone="Europe/Madrid", now=ENROLLED)
    therapist = make_therapist(db, patients=(patient,))
    t = Team(client, patient, therapist, login(patient), login(therapist), clock, login)
    r = client.patch("/v1/me", json={"locale": "es"}, headers=t.ph)
    assert r.status_code == 200, r.text
    t.session(ENROLLED)
    bodies = {n.body for n in _reminders(db, t).values()}
    assert bodies == {"Tienes cuestionarios para completar cuando tengas un momento."}


@given(
    spans=st.lists(
        st.tuples(st.sampled_from(["phq9", "gad7"]), st.integers(0, 60), st.integers(1, 30)),
        max_size=12,
    ),
    probe=st.integers(0, 100),
)
def test_at_any_moment_at_most_one_occurrence_of_an_instrument_is_open(
    spans: list[tuple[str, int, int]], probe: int
) -> None:
    day = timedelta(days=1)
    occs = sorted(
        (
            Occurrence(
                f"k{i}", code, "assigned", ENROLLED + start * day, ENROLLED + (start + n) * day
            )
            for i, (code, start, n) in enumerate(spans)
        ),
        key=lambda o: (o.due_at, o.key),
    )
    kept = one_open_per_instrument(occs)
    at = ENROLLED + probe * day
    for code in ("phq9", "gad7"):
        before = [o for o in occs if o.code == code and o.due_at <= at < o.expires_at]
        after = [o for o in kept if o.code == code and o.due_at <= at < o.expires_at]
        assert len(after) <= 1  # never twice at once
        newest = max(
            (o for o in occs if o.code == code and o.due_at <= at),
            default=None,
            key=lambda o: (o.due_at, o.key),
        )
        if newest is not None and at < newest.expires_at:
            assert [o.key for o in after] == [newest.key]  # the newest asks, for its own time
        elif not before:
            assert after == []


def _planned(db: Session, t: Team) -> dict[str, tuple[object, ...]]:
    return {k: (n.status, n.due_at, n.data) for k, n in _reminders(db, t).items()}


@pytest.mark.parametrize("hours_between", [1, 80])
def test_a_flag_plans_the_cssrs_as_a_whole_new_plan_would(
    ny: Team, db: Session, settings: Settings, hours_between: int
) -> None:
    # A flag plans only the instruments asked for after a flag: the C-SSRS reminders
    # come out as planning the whole schedule again would leave them, and no other
    # reminder moves. Within 72 h the second flag's C-SSRS cuts the first one short;
    # after that the first has expired.
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    ny.session(ny.clock.now - timedelta(minutes=30))
    ny.write(ny.clock.now, body="Some nights I want to die.")
    _follow_up(db, settings, ny)
    move_clock(ny, ny.clock.now + timedelta(hours=hours_between))
    before = _planned(db, ny)
    ny.write(ny.clock.now, body="I keep thinking I want to die.")
    _follow_up(db, settings, ny)
    after = _planned(db, ny)
    cssrs = sorted(k for k in after if k.endswith(":cssrs_screener"))
    assert len(cssrs) == 2
    assert [after[k][0] for k in cssrs].count(NotificationStatus.pending) == 1
    others = {k: v for k, v in after.items() if k not in cssrs}
    assert others == {k: v for k, v in before.items() if k not in cssrs}
    plan_reminders(
        db, patient_id=ny.patient.id, rules=measure_rules_from(settings), now=ny.clock.now
    )
    db.flush()
    whole = _planned(db, ny)
    assert {k: whole[k] for k in cssrs} == {k: after[k] for k in cssrs}


@pytest.mark.parametrize("worker_between_writes", [True, False])
def test_many_flags_plan_the_cssrs_as_a_whole_new_plan_would(
    ny: Team, db: Session, settings: Settings, worker_between_writes: bool
) -> None:
    # The worker re-plans from the newest flags only, whether it ran after each
    # flagged entry or once after a run of them: the C-SSRS reminders are still what
    # planning everything again leaves, one asking.
    move_clock(ny, ENROLLED + timedelta(hours=1))
    _answer_enrolment(ny)
    ny.session(ny.clock.now - timedelta(minutes=30))
    for hours in (0, 2, 5, 30, 31, 90, 91, 92):
        move_clock(ny, ENROLLED + timedelta(hours=2 + hours))
        ny.write(ny.clock.now, body="Some nights I want to die.")
        if worker_between_writes:
            _follow_up(db, settings, ny)
    if not worker_between_writes:
        _follow_up(db, settings, ny)
    after = _planned(db, ny)
    cssrs = sorted(k for k in after if k.endswith(":cssrs_screener"))
    # Run once at the end, the worker finds the older screeners cut short: it plans
    # the newest alone, and leaves no reminder for the rest.
    assert len(cssrs) == (8 if worker_between_writes else 1)
    assert [after[k][0] for k in cssrs].count(NotificationStatus.pending) == 1
    plan_reminders(
        db, patient_id=ny.patient.id, rules=measure_rules_from(settings), now=ny.clock.now
    )
    db.flush()
    whole = _planned(db, ny)
    assert {k: whole[k] for k in cssrs} == {k: after[k] for k in cssrs}
