"""A flag's life in the clinic: refused without an outcome, confirmed, kept in the
history with who closed it and how, timed in the queue."""

from datetime import timedelta

from sqlmodel import Session, select

from app.safety.models import SafetyFlag
from tests.clinic.conftest import Browser, flagged
from tests.entries.conftest import Team


def test_acknowledging_without_an_outcome_is_refused_and_keeps_the_note(
    team: Team, browser: Browser, db: Session
) -> None:
    flag = flagged(team, db)
    browser.sign_in(team.therapist)
    r = browser.post(f"/clinic/flags/{flag.id}/acknowledge", {"note": "Left a voicemail."})
    assert r.status_code == 422
    assert "Choose an outcome: what you did about this flag." in r.text
    assert "Left a voicemail.</textarea>" in r.text  # what was typed is still there
    assert 'aria-invalid="true"' in r.text
    db.expire_all()
    assert db.exec(select(SafetyFlag)).one().acknowledged_at is None


def test_the_history_shows_level_reason_outcome_note_and_who(
    team: Team, browser: Browser, db: Session
) -> None:
    flag = flagged(team, db)
    browser.sign_in(team.therapist)
    r = browser.post(
        f"/clinic/flags/{flag.id}/acknowledge",
        {"outcome": "safety_plan_reviewed", "note": "Went through it together."},
    )
    assert r.status_code == 303
    page = browser.get(r.headers["location"]).text
    assert "Flag acknowledged: “Reviewed the safety plan”" in page  # the confirmation
    history = page[page.index("Flag history") :]
    assert "For review" in history
    assert "thoughts of suicide" in history
    assert "Reviewed the safety plan" in history
    assert "Went through it together." in history
    assert team.therapist.display_name in history
    assert flag.rule is not None and flag.rule not in page
    assert "No open safety flags." in page


def test_the_summary_lists_flags_with_their_outcome(
    team: Team, browser: Browser, db: Session
) -> None:
    flag = flagged(team, db)
    browser.sign_in(team.therapist)
    browser.post(f"/clinic/flags/{flag.id}/acknowledge", {"outcome": "no_risk_found"})
    sessions = team.client.get(f"/v1/patients/{team.patient.id}/sessions", headers=team.th)
    session_id = sessions.json()[0]["id"]
    page = browser.get(f"/clinic/patients/{team.patient.id}/sessions/{session_id}/summary").text
    assert "No risk found" in page
    assert team.therapist.display_name in page


def test_the_queue_shows_level_age_and_time_to_escalation(
    team: Team, browser: Browser, db: Session
) -> None:
    flag = flagged(team, db)
    flag.level, flag.is_urgent = "urgent", True
    flag.raised_at = team.clock.now - timedelta(minutes=10)
    db.add(flag)
    db.commit()
    browser.sign_in(team.therapist)
    queue = browser.get("/clinic/").text
    assert "Urgent</strong>, 10 min old; escalates in 20 min" in queue


def test_the_flagged_entry_is_marked(team: Team, browser: Browser, db: Session) -> None:
    flagged(team, db)
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    entry = page[page.index("I want to die") - 1500 : page.index("I want to die")]
    assert '<span class="flag">Flagged</span>' in entry
