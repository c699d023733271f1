"""Who is told of a flag, and when: urgent pages the care team and the on-call staff at
once and starts the escalation clock; review goes to the care team's queue only."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import User
from app.core.config import Settings
from app.notifications.models import Notification
from tests.entries.conftest import Team
from tests.factories import make_therapist
from tests.questionnaires.conftest import answer

ONCALL = "oncall@clinic.example.org"
PLAN = "I bought a rope yesterday."
PASSIVE = "I wish I could fall asleep and never wake up."
NO = {"cssrs_1": 0, "cssrs_2": 0, "cssrs_3": 0, "cssrs_4": 0, "cssrs_5": 0, "cssrs_6": 0}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"safety_oncall_emails": [ONCALL], "safety_escalation_minutes": 30}
    )


@pytest.fixture
def oncall(db: Session) -> User:
    return make_therapist(db, email=ONCALL)


def _sent(db: Session, flag_id: str, kind: str) -> dict[uuid.UUID, Notification]:
    db.expire_all()
    rows = db.exec(select(Notification).where(Notification.kind == kind)).all()
    return {n.user_id: n for n in rows if n.data.get("flag_id") == flag_id}


def _check_paged_at_once(team: Team, db: Session, oncall: User, flag_id: str) -> None:
    now = team.clock.now
    first = _sent(db, flag_id, "safety_flag")
    assert set(first) == {team.therapist.id, oncall.id}
    for n in first.values():
        assert (n.due_at, n.data["urgent"], n.data["level"]) == (now, True, "urgent")
    later = _sent(db, flag_id, "safety_escalation")
    assert set(later) == {team.therapist.id, oncall.id}
    assert {n.due_at for n in later.values()} == {now + timedelta(minutes=30)}


def _check_queue_only(team: Team, db: Session, oncall: User, flag_id: str) -> None:
    assert set(_sent(db, flag_id, "safety_flag")) == {team.therapist.id}
    assert _sent(db, flag_id, "safety_escalation") == {}
    queue = team.client.get("/v1/therapist/queue", headers=team.th).json()["items"]
    assert [f["id"] for f in queue[0]["safety_flags"]] == [flag_id]
    assert oncall.id not in {n.user_id for n in db.exec(select(Notification)).all()}


def test_an_urgent_entry_pages_the_care_team_and_on_call_at_once(
    team: Team, db: Session, oncall: User
) -> None:
    safety = team.write(team.clock.now, body=PLAN)["safety"]
    assert (safety["level"], safety["care_team_alerted"], safety["on_call_alerted"]) == (
        "urgent",
        True,
        True,
    )
    assert "on-call staff were also told at once" in safety["message"]
    assert "care team has been alerted" in safety["message"]
    _check_paged_at_once(team, db, oncall, safety["flag_id"])
    r = team.client.get("/v1/safety-flags", headers=team.th)
    assert [f["alerted"] for f in r.json()["items"]] == ["team_and_on_call"]


def test_a_review_entry_goes_to_the_queue_without_paging_on_call(
    team: Team, db: Session, oncall: User
) -> None:
    safety = team.write(team.clock.now, body=PASSIVE)["safety"]
    assert (safety["level"], safety["care_team_alerted"], safety["on_call_alerted"]) == (
        "review",
        True,
        False,
    )
    assert "on-call" not in safety["message"]
    _check_queue_only(team, db, oncall, safety["flag_id"])


@pytest.mark.parametrize("item", ["cssrs_4", "cssrs_5", "cssrs_6"])
def test_a_cssrs_yes_to_item_4_5_or_6_pages_at_once(
    team: Team, db: Session, oncall: User, item: str
) -> None:
    answers: dict[str, Any] = NO | {"cssrs_1": 1, "cssrs_2": 1, item: 1}
    if item == "cssrs_6":
        answers["cssrs_6_recent"] = 1
    out = answer(team, "cssrs_screener", answers, team.clock.now)
    safety = out["safety"]
    assert (out["severity"], safety["level"], safety["urgent"]) == ("high", "urgent", True)
    assert (safety["care_team_alerted"], safety["on_call_alerted"]) == (True, True)
    assert "on-call staff were also told at once" in safety["message"]
    [flag_id] = safety["flag_ids"]
    _check_paged_at_once(team, db, oncall, flag_id)


def test_a_cssrs_yes_to_item_2_only_is_for_review(team: Team, db: Session, oncall: User) -> None:
    out = answer(team, "cssrs_screener", NO | {"cssrs_1": 1, "cssrs_2": 1}, team.clock.now)
    safety = out["safety"]
    assert (out["severity"], safety["level"], safety["urgent"]) == ("low", "review", False)
    assert (safety["care_team_alerted"], safety["on_call_alerted"]) == (True, False)
    [flag_id] = safety["flag_ids"]
    _check_queue_only(team, db, oncall, flag_id)


def test_an_urgent_answer_without_a_care_team_never_claims_a_care_team(
    client: TestClient,
    db: Session,
    login,
    clock,
    oncall: User,  # type: ignore[no-untyped-def]
) -> None:
    from tests.factories import make_patient

    alone = make_patient(db)
    answers = NO | {"cssrs_1": 1, "cssrs_2": 1, "cssrs_4": 1}
    r = client.post(
        "/v1/questionnaire-responses",
        json={"code": "cssrs_screener", "answers": answers, "answered_at": clock.now.isoformat()},
        headers=login(alone),
    )
    assert r.status_code == 201, r.text
    safety = r.json()["safety"]
    assert (safety["care_team_alerted"], safety["on_call_alerted"]) == (False, True)
    assert "care team has been alerted" not in safety["message"]
    assert "no care team" in safety["message"]


@pytest.mark.parametrize("locale", ["en", "es"])
def test_without_on_call_staff_an_urgent_message_says_only_the_care_team_was_told(
    team: Team, db: Session, settings: Settings, locale: str
) -> None:
    # No account matches the on-call email: nobody is on call (as with
    # KAPJ_SAFETY_NO_ONCALL=true), and the patient is told so.
    therapist_id = team.therapist.id
    patient = db.get(User, team.patient.id)
    assert patient is not None
    patient.locale = locale
    db.add(patient)
    db.commit()
    safety = team.write(team.clock.now, body=PLAN)["safety"]
    assert (safety["care_team_alerted"], safety["on_call_alerted"]) == (True, False)
    no_one_else = {
        "en": "The clinic has no on-call staff in kap-journal, so no one else was told.",
        "es": "La clínica no tiene personal de guardia en kap-journal",
    }[locale]
    assert no_one_else in safety["message"]
    assert set(_sent(db, safety["flag_id"], "safety_flag")) == {therapist_id}
    review = team.write(team.clock.now, body=PASSIVE)["safety"]
    assert "on-call" not in review["message"] and "guardia" not in review["message"]
