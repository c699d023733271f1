"""Answers that suggest risk raise flags through the one safety path, end to end."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.notifications.models import Notification
from app.safety.models import SafetyFlag
from tests.entries.conftest import Team
from tests.questionnaires.conftest import answer, phq9

AE_ITEMS = ("ae_nausea", "ae_dizziness", "ae_headache", "ae_dissociation", "ae_other")


def _flags(db: Session) -> list[SafetyFlag]:
    db.expire_all()
    return list(db.exec(select(SafetyFlag)).all())


def test_phq9_item_9_above_zero_raises_a_questionnaire_flag_with_crisis_resources(
    team: Team, db: Session
) -> None:
    out = answer(team, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), team.clock.now)
    assert out["safety"]["flagged"] is True and out["safety"]["urgent"] is False
    assert out["safety"]["crisis_resources"]
    (flag,) = _flags(db)
    assert (flag.category, flag.rule, flag.source, flag.is_urgent) == (
        "questionnaire",
        "phq9_item9",
        "questionnaire",
        False,
    )
    assert str(flag.response_id) == out["id"]


def test_phq9_with_item_9_at_zero_raises_nothing(team: Team, db: Session) -> None:
    out = answer(team, "phq9", phq9(3, 3, 3, 3, 3, 3, 3, 3, 0), team.clock.now)
    assert out["safety"] is None and _flags(db) == []


def test_cssrs_moderate_raises_a_flag_that_is_not_urgent(team: Team, db: Session) -> None:
    answers = {"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 1, "cssrs_4": 0, "cssrs_5": 0, "cssrs_6": 0}
    out = answer(team, "cssrs_screener", answers, team.clock.now)
    assert out["severity"] == "moderate" and out["safety"]["urgent"] is False
    assert [(f.rule, f.level) for f in _flags(db)] == [("cssrs_moderate", "review")]


def test_cssrs_high_from_recent_behaviour_raises_an_urgent_flag(team: Team, db: Session) -> None:
    answers = {"cssrs_1": 0, "cssrs_2": 0, "cssrs_6": 1, "cssrs_6_recent": 1}
    out = answer(team, "cssrs_screener", answers, team.clock.now)
    assert out["severity"] == "high" and out["safety"]["urgent"] is True
    assert [(f.rule, f.level, f.is_urgent) for f in _flags(db)] == [("cssrs_high", "urgent", True)]


def test_a_replayed_flagged_answer_raises_no_second_flag(team: Team, db: Session) -> None:
    rid = "6f1f7a3e-1111-4c4c-8d8d-000000000009"
    first = answer(team, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 2), team.clock.now, id=rid)
    again = answer(team, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 2), team.clock.now, id=rid)
    assert first["safety"]["flag_ids"] == again["safety"]["flag_ids"]
    assert len(_flags(db)) == 1


def test_a_phq9_item9_flag_reaches_the_queue_and_notifies_for_review(
    team: Team, db: Session
) -> None:
    answer(team, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), team.clock.now)
    items = team.client.get("/v1/therapist/queue", headers=team.th).json()["items"]
    assert [(i["patient"]["id"], i["open_flags"]) for i in items] == [(str(team.patient.id), 1)]
    assert items[0]["safety_flags"][0]["on_private_entry"] is False
    kinds = sorted(
        n.kind
        for n in db.exec(select(Notification).where(Notification.user_id == team.therapist.id))
    )
    # PHQ-9 item 9 is for review: the care team is told, and nothing escalates.
    assert kinds == ["safety_flag"]


def test_after_effects_free_text_is_screened_like_an_entry(team: Team, db: Session) -> None:
    answers = dict.fromkeys(AE_ITEMS, 0) | {"ae_note": "Some nights I want to die."}
    out = answer(team, "after_effects", answers, team.clock.now)
    assert out["safety"]["flagged"] is True
    (flag,) = _flags(db)
    # The text screen's own rule, by category: the same screen as entries.
    assert (flag.source, flag.category) == ("questionnaire", "ideation")
    assert flag.rule is not None


def test_severe_after_effects_notify_the_care_team_without_urgency(team: Team, db: Session) -> None:
    answers = dict.fromkeys(AE_ITEMS, 0) | {"ae_nausea": 3}
    out = answer(team, "after_effects", answers, team.clock.now)
    assert out["severity"] == "severe" and out["safety"] is None
    (note,) = db.exec(select(Notification).where(Notification.user_id == team.therapist.id)).all()
    assert note.kind == "after_effects_severe" and note.data["urgent"] is False
    assert "nausea" not in note.body.lower()  # lock screens are public


NO = {"cssrs_1": 0, "cssrs_2": 0, "cssrs_6": 0}


def test_cssrs_all_no_is_none_and_raises_nothing(team: Team, db: Session) -> None:
    out = answer(team, "cssrs_screener", NO, team.clock.now)
    assert (out["severity"], out["safety"]) == ("none", None)
    assert _flags(db) == []


def test_cssrs_item_2_yes_with_no_higher_item_is_low_and_for_review(
    team: Team, db: Session
) -> None:
    answers = NO | {"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 0, "cssrs_4": 0, "cssrs_5": 0}
    out = answer(team, "cssrs_screener", answers, team.clock.now)
    assert out["severity"] == "low" and out["safety"]["urgent"] is False
    assert [(f.rule, f.level) for f in _flags(db)] == [("cssrs_low", "review")]


@pytest.mark.parametrize("item", ["cssrs_4", "cssrs_5"])
def test_cssrs_intent_or_a_plan_is_urgent(team: Team, db: Session, item: str) -> None:
    answers = NO | {"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 0, "cssrs_4": 0, "cssrs_5": 0}
    out = answer(team, "cssrs_screener", answers | {item: 1}, team.clock.now)
    assert out["severity"] == "high" and out["safety"]["urgent"] is True
    assert [(f.rule, f.level) for f in _flags(db)] == [("cssrs_high", "urgent")]


def test_cssrs_behaviour_over_three_months_ago_is_for_review(team: Team, db: Session) -> None:
    out = answer(team, "cssrs_screener", NO | {"cssrs_6": 1, "cssrs_6_recent": 0}, team.clock.now)
    assert out["severity"] == "moderate" and out["safety"]["urgent"] is False
    assert [(f.rule, f.level) for f in _flags(db)] == [("cssrs_moderate", "review")]


def test_phq9_item_9_asks_for_the_cssrs_at_once(team: Team, db: Session) -> None:
    answer(team, "phq9", phq9(0, 0, 0, 0, 0, 0, 0, 0, 1), team.clock.now)
    due = team.client.get("/v1/me/questionnaires/due", headers=team.ph).json()["items"]
    assert ("cssrs_screener", "after_flag") in {(i["code"], i["reason"]) for i in due}


def test_cssrs_is_charted_and_in_the_integration_summary(team: Team, db: Session) -> None:
    sid = team.session(team.clock.now)
    answers = NO | {"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 1, "cssrs_4": 0, "cssrs_5": 0}
    answer(team, "cssrs_screener", answers, team.clock.now + timedelta(hours=25))
    team.clock.advance(hours=30)
    team.relogin()
    s = team.client.get(
        f"/v1/patients/{team.patient.id}/sessions/{sid}/summary", headers=team.th
    ).json()
    (point,) = s["questionnaire_scores"]["window"]["cssrs_screener"]
    assert (point["score"], point["severity"]) == (3, "moderate")
    r = team.client.get("/v1/questionnaires/cssrs_screener", headers=team.th)
    assert r.json()["score_range"] == [0, 6]


def test_a_cssrs_left_incomplete_after_thoughts_of_suicide_is_urgent(
    team: Team, db: Session
) -> None:
    """Intent and plan unknown after a yes to item 2: scored as yes, so the on-call
    staff hear of it at once; the answers are stored as given."""
    answers = {"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 0, "cssrs_6": 0}
    out = answer(team, "cssrs_screener", answers, team.clock.now)
    assert out["answers"] == answers
    assert out["severity"] == "high" and out["safety"]["urgent"] is True
    assert [(f.rule, f.level) for f in _flags(db)] == [("cssrs_high", "urgent")]
