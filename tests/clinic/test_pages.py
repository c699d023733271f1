"""The clinic's pages through HTTP: sign-in, queue, patient, review, flags, scheduling."""

from datetime import timedelta

from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.reviews.models import EntryReview
from tests.clinic.conftest import Browser
from tests.entries.conftest import Team


def _window(team: Team) -> tuple[str, dict]:  # type: ignore[type-arg]
    at = team.clock.now - timedelta(hours=26)
    sid = team.session(at)
    entry = team.write(at + timedelta(hours=3), body="The music felt like a warm room.", mood=6)
    return sid, entry


def test_a_therapist_signs_in_and_sees_the_queue(team: Team, browser: Browser) -> None:
    _window(team)
    r = browser.sign_in(team.therapist)
    assert r.status_code == 303
    assert r.headers["location"] == "/clinic/"
    page = browser.get("/clinic/")
    assert page.status_code == 200
    assert "<h1>Queue</h1>" in page.text
    assert team.patient.display_name in page.text
    assert "Sign out" in page.text


def test_the_patient_page_shows_the_window_and_its_shared_entry(
    team: Team, browser: Browser
) -> None:
    _window(team)
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}")
    assert page.status_code == 200
    assert f"<h1>{team.patient.display_name}</h1>" in page.text
    assert "The music felt like a warm room." in page.text
    assert "Early phase, hour 3" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_marking_reviewed_without_javascript_posts_and_redirects(
    team: Team, browser: Browser, db: Session
) -> None:
    _sid, entry = _window(team)
    browser.sign_in(team.therapist)
    r = browser.post(
        f"/clinic/entries/{entry['id']}/review", {"note": "ask about the room", "discuss": "on"}
    )
    assert r.status_code == 303
    assert r.headers["location"].endswith(f"#entry-{entry['id']}")
    review = db.exec(select(EntryReview)).one()
    assert review.discuss is True
    page = browser.get(f"/clinic/patients/{team.patient.id}")
    assert "Private note: ask about the room" in page.text


def test_marking_reviewed_with_htmx_answers_the_entry_fragment(
    team: Team, browser: Browser
) -> None:
    _sid, entry = _window(team)
    browser.sign_in(team.therapist)
    r = browser.client.post(
        f"/clinic/entries/{entry['id']}/review",
        data={"note": ""},
        headers={"HX-Request": "true", "X-CSRF-Token": browser.csrf},
    )
    assert r.status_code == 200
    assert r.text.lstrip().startswith("<article")
    assert "Marked reviewed." in r.text


def test_a_review_goes_stale_when_the_patient_edits_the_entry(team: Team, browser: Browser) -> None:
    _sid, entry = _window(team)
    browser.sign_in(team.therapist)
    browser.post(f"/clinic/entries/{entry['id']}/review", {"note": ""})
    r = team.client.patch(
        f"/v1/entries/{entry['id']}",
        json={"body": "Edited after the review."},
        headers=team.ph | {"If-Match": '"v1"'},
    )
    assert r.status_code == 200
    page = browser.get(f"/clinic/patients/{team.patient.id}")
    assert "Stale review" in page.text


def test_the_review_writes_the_same_audit_event_as_the_api(
    team: Team, browser: Browser, db: Session
) -> None:
    _sid, entry = _window(team)
    browser.sign_in(team.therapist)
    browser.post(f"/clinic/entries/{entry['id']}/review", {"note": "n"})
    actions = db.exec(
        select(AuditEvent.action).where(AuditEvent.actor_id == team.therapist.id)
    ).all()
    assert "entry.review" in actions


def test_scheduling_outside_the_range_is_allowed_with_a_warning(
    team: Team, browser: Browser
) -> None:
    sid, _entry = _window(team)
    browser.sign_in(team.therapist)
    late = (team.clock.now + timedelta(hours=40)).strftime("%Y-%m-%dT%H:%M")
    r = browser.post(
        f"/clinic/patients/{team.patient.id}/integration-sessions",
        {"session_id": sid, "scheduled_at": late},
    )
    assert r.status_code == 303
    page = browser.get(f"/clinic/patients/{team.patient.id}")
    assert "Outside the recommended range" in page.text


def test_acknowledging_a_flag_on_a_private_entry_shows_only_the_fact(
    team: Team, browser: Browser, db: Session
) -> None:
    at = team.clock.now - timedelta(hours=26)
    team.session(at)
    team.write(at + timedelta(hours=2), body="I want to die", shared_with_care_team=False)
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}")
    assert "on a private entry" in page.text
    assert "I want to die" not in page.text
    from app.safety.models import SafetyFlag

    flag = db.exec(select(SafetyFlag)).one()
    r = browser.post(f"/clinic/flags/{flag.id}/acknowledge", {"outcome": "no_risk_found"})
    assert r.status_code == 303
    db.expire_all()
    assert db.exec(select(SafetyFlag).where(col(SafetyFlag.acknowledged_at).is_not(None))).one()


def test_the_printable_summary_has_the_entries_and_a_print_stylesheet(
    team: Team, browser: Browser
) -> None:
    sid, _entry = _window(team)
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}/sessions/{sid}/summary")
    assert page.status_code == 200
    assert 'media="print"' in page.text
    assert "The music felt like a warm room." in page.text


def test_assigning_a_custom_prompt(team: Team, browser: Browser) -> None:
    browser.sign_in(team.therapist)
    r = browser.post(
        f"/clinic/patients/{team.patient.id}/prompts",
        {"kind": "custom", "title": "The room", "text": "Describe it.", "technique": "capture"},
    )
    assert r.status_code == 303
    assert "The room" in browser.get(f"/clinic/patients/{team.patient.id}").text


def test_the_queue_page_writes_the_apis_queue_read_events(
    team: Team, browser: Browser, db: Session
) -> None:
    _window(team)
    browser.sign_in(team.therapist)
    browser.get("/clinic/")
    events = db.exec(
        select(AuditEvent).where(
            AuditEvent.actor_id == team.therapist.id, AuditEvent.action == "queue.read"
        )
    ).all()
    assert {e.patient_id for e in events} == {team.patient.id}


def test_an_outcome_outside_the_list_is_refused(team: Team, browser: Browser, db: Session) -> None:
    at = team.clock.now - timedelta(hours=26)
    team.session(at)
    team.write(at + timedelta(hours=2), body="I want to die")
    from app.safety.models import SafetyFlag

    flag = db.exec(select(SafetyFlag)).one()
    browser.sign_in(team.therapist)
    r = browser.post(f"/clinic/flags/{flag.id}/acknowledge", {"outcome": "nothing"})
    assert r.status_code == 422


def _scheduled(team: Team, browser: Browser, db: Session) -> tuple[str, object]:
    from app.integration.models import IntegrationSession

    sid, _entry = _window(team)
    browser.sign_in(team.therapist)
    inside = (team.clock.now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    browser.post(
        f"/clinic/patients/{team.patient.id}/integration-sessions",
        {"session_id": sid, "scheduled_at": inside},
    )
    return sid, db.exec(select(IntegrationSession)).one()


def test_moving_an_integration_session(team: Team, browser: Browser, db: Session) -> None:
    _sid, item = _scheduled(team, browser, db)
    later = (team.clock.now + timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M")
    r = browser.post(
        f"/clinic/patients/{team.patient.id}/integration-sessions/{item.id}/move",  # type: ignore[attr-defined]
        {"scheduled_at": later},
    )
    assert r.status_code == 303
    from app.integration.models import IntegrationSession

    moved = db.exec(select(IntegrationSession)).one()
    assert moved.scheduled_at.strftime("%Y-%m-%dT%H:%M") == later


def test_cancelling_an_integration_session(team: Team, browser: Browser, db: Session) -> None:
    from app.integration.models import IntegrationSession

    _sid, item = _scheduled(team, browser, db)
    r = browser.post(
        f"/clinic/patients/{team.patient.id}/integration-sessions/{item.id}/cancel"  # type: ignore[attr-defined]
    )
    assert r.status_code == 303
    db.expire_all()
    assert db.exec(select(IntegrationSession)).all() == []


def test_a_time_that_is_not_a_time_is_refused_with_the_form_page(
    team: Team, browser: Browser
) -> None:
    sid, _entry = _window(team)
    browser.sign_in(team.therapist)
    r = browser.post(
        f"/clinic/patients/{team.patient.id}/integration-sessions",
        {"session_id": sid, "scheduled_at": "tomorrow"},
    )
    assert r.status_code == 422
    assert "scheduled_at" in r.text


def test_a_password_change_ends_the_clinic_session(team: Team, browser: Browser) -> None:
    from tests.factories import PASSWORD

    browser.sign_in(team.therapist)
    r = team.client.post(
        "/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "another-password-2026"},
        headers=team.th,
    )
    assert r.status_code == 204
    assert browser.get("/clinic/", follow_redirects=False).status_code == 303


def test_an_admin_creates_and_deactivates_an_account(
    browser: Browser, admin: object, db: Session
) -> None:
    from app.accounts.models import User

    browser.sign_in(admin)  # type: ignore[arg-type]
    r = browser.post(
        "/clinic/admin/users",
        {
            "email": "new.therapist@example.org",
            "display_name": "Dr. New",
            "role": "therapist",
            "timezone": "Europe/Madrid",
        },
    )
    assert r.status_code == 201
    user = db.exec(select(User).where(User.email == "new.therapist@example.org")).one()
    r = browser.post(f"/clinic/admin/users/{user.id}/deactivate")
    assert r.status_code == 303
    again = db.exec(select(User).where(User.email == "new.therapist@example.org")).one()
    assert again.is_active is False


def test_the_audit_page_is_itself_audited(
    team: Team, browser: Browser, admin: object, db: Session
) -> None:
    _window(team)
    browser.sign_in(admin)  # type: ignore[arg-type]
    page = browser.get(f"/clinic/admin/audit?patient_id={team.patient.id}")
    assert page.status_code == 200
    assert "session.create" in page.text
    reads = db.exec(select(AuditEvent).where(AuditEvent.action == "audit.read")).all()
    assert {e.patient_id for e in reads} == {team.patient.id}


def test_the_audit_trail_names_people_filters_by_actor_and_dates_and_exports_csv(
    team: Team, browser: Browser, admin: object, db: Session
) -> None:
    _window(team)
    team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th)
    browser.sign_in(admin)  # type: ignore[arg-type]
    page = browser.get("/clinic/admin/audit").text
    assert f">{team.patient.display_name}</a>" in page  # a name, not a UUID
    mine = browser.get(f"/clinic/admin/audit?actor_id={team.therapist.id}").text
    assert "entry.list" in mine and "audit.read" not in mine
    today = team.clock.now.date()
    later = browser.get(f"/clinic/admin/audit?from={today + timedelta(days=1)}").text
    assert "No events match." in later
    odd = browser.get("/clinic/admin/audit?from=yesterday")
    assert odd.status_code == 200 and "A date was not understood" in odd.text
    csv_page = browser.get(f"/clinic/admin/audit.csv?actor_id={team.therapist.id}")
    assert csv_page.status_code == 200
    assert csv_page.headers["content-type"].startswith("text/csv")
    lines = csv_page.text.strip().splitlines()
    assert lines[0].startswith("occurred_at_utc,actor,actor_handle")
    assert any("entry.list" in line and team.patient.display_name in line for line in lines)
    assert all(team.therapist.display_name in line for line in lines[1:])


def test_a_csv_cell_never_starts_a_spreadsheet_formula() -> None:
    from app.clinic.router_admin import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("-2+3") == "'-2+3" and _cell("Dr. Rivera") == "Dr. Rivera" and _cell(None) == ""
