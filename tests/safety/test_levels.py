"""Two tiers through the API: urgent flags page and escalate, review flags wait calmly."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from app.accounts.models import CareTeamMember, User
from app.core.config import Settings
from app.notifications.models import Notification
from app.safety.models import SafetyFlag
from tests.clinic.conftest import Browser, browser  # noqa: F401  (the fixture)
from tests.entries.conftest import Team
from tests.factories import make_patient, make_therapist

ONCALL = "oncall@clinic.example.org"
PLAN = "I bought a rope yesterday."
PREPARATION = "I have the pills saved up."
PASSIVE = "I wish I could fall asleep and never wake up."


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"safety_oncall_emails": [ONCALL], "safety_escalation_minutes": 30}
    )


def _notices(db: Session, flag_id: str, kind: str) -> list[Notification]:
    db.expire_all()
    rows = db.exec(select(Notification).where(Notification.kind == kind)).all()
    return [n for n in rows if n.data.get("flag_id") == flag_id]


def _stored(db: Session, flag_id: str) -> SafetyFlag:
    db.expire_all()
    flag = db.get(SafetyFlag, uuid.UUID(flag_id))
    assert flag is not None
    return flag


@pytest.mark.parametrize("text", [PLAN, PREPARATION])
def test_a_plan_or_preparation_is_urgent_and_escalates(team: Team, db: Session, text: str) -> None:
    oncall = make_therapist(db, email=ONCALL)
    safety = team.write(team.clock.now, body=text)["safety"]
    assert safety["level"] == "urgent"
    assert safety["message"].startswith("What you wrote suggests")
    assert safety["crisis_resources"]
    flag = _stored(db, safety["flag_id"])
    assert (flag.level, flag.is_urgent) == ("urgent", True)
    # The care team and the on-call staff, both at once (tests/safety/test_paging.py).
    first = _notices(db, safety["flag_id"], "safety_flag")
    assert {(n.user_id, n.due_at) for n in first} == {
        (team.therapist.id, team.clock.now),
        (oncall.id, team.clock.now),
    }
    assert {(n.data["urgent"], n.data["level"]) for n in first} == {(True, "urgent")}
    planned = _notices(db, safety["flag_id"], "safety_escalation")
    assert {n.user_id for n in planned} == {team.therapist.id, oncall.id}
    assert {n.due_at for n in planned} == {team.clock.now + timedelta(minutes=30)}


def test_a_passive_wish_is_for_review_and_never_escalates(team: Team, db: Session) -> None:
    make_therapist(db, email=ONCALL)
    safety = team.write(team.clock.now, body=PASSIVE)["safety"]
    assert safety["level"] == "review"
    assert safety["message"].startswith("Thank you for writing this down.")
    assert "care team has been alerted" in safety["message"]
    assert safety["crisis_resources"]
    assert _stored(db, safety["flag_id"]).level == "review"
    [notice] = _notices(db, safety["flag_id"], "safety_flag")
    assert notice.user_id == team.therapist.id
    assert (notice.data["urgent"], notice.data["level"]) == (False, "review")
    assert _notices(db, safety["flag_id"], "safety_escalation") == []


def test_a_review_notice_waits_for_the_therapists_quiet_hours(
    team: Team, db: Session, login
) -> None:  # type: ignore[no-untyped-def]
    # 15:00 UTC is midnight in Tokyo: the review notice waits until 08:00 there.
    patient = make_patient(db)
    make_therapist(db, patients=(patient,), timezone="Asia/Tokyo")
    r = team.client.post(
        "/v1/entries",
        json={"body": PASSIVE, "written_at": team.clock.now.isoformat()},
        headers=login(patient),
    )
    assert r.status_code == 201, r.text
    [notice] = _notices(db, r.json()["safety"]["flag_id"], "safety_flag")
    assert notice.due_at > team.clock.now
    assert notice.due_at.astimezone(ZoneInfo("Asia/Tokyo")).hour == 8


def test_an_edit_that_adds_a_plan_answers_urgent(team: Team) -> None:
    e = team.write(team.clock.now, body="A quiet day.")
    r = team.client.patch(
        f"/v1/entries/{e['id']}",
        json={"body": PLAN},
        headers=team.ph | {"If-Match": '"v1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["safety"]["level"] == "urgent"


def test_flags_carry_their_level_and_filter_by_it(team: Team) -> None:
    urgent = team.write(team.clock.now, body=PLAN)["safety"]["flag_id"]
    review = team.write(team.clock.now, body=PASSIVE)["safety"]["flag_id"]

    def listed(query: str) -> list[tuple[str, str]]:
        r = team.client.get(f"/v1/safety-flags{query}", headers=team.th)
        assert r.status_code == 200, r.text
        return sorted((f["id"], f["level"]) for f in r.json()["items"])

    assert listed("") == sorted([(urgent, "urgent"), (review, "review")])
    assert listed("?level=urgent") == [(urgent, "urgent")]
    assert listed("?level=review") == [(review, "review")]
    r = team.client.get("/v1/safety-flags?level=loud", headers=team.th)
    assert r.status_code == 422


def test_the_queue_lists_patients_with_an_urgent_flag_first(team: Team, db: Session, login) -> None:  # type: ignore[no-untyped-def]
    # The team's patient has a review flag; a second patient of the same therapist,
    # written later and alphabetically last, has an urgent one.
    team.write(team.clock.now, body=PASSIVE)
    other = make_patient(db)
    mine = db.get(User, team.patient.id)
    assert mine is not None
    other.display_name, mine.display_name = "Zed", "Amy"
    db.add(other)
    db.add(mine)
    db.add(
        CareTeamMember(
            patient_id=other.id, therapist_id=team.therapist.id, created_at=team.clock.now
        )
    )
    db.commit()
    r = team.client.post(
        "/v1/entries",
        json={"body": PLAN, "written_at": team.clock.now.isoformat()},
        headers=login(other),
    )
    assert r.status_code == 201, r.text
    items = team.client.get("/v1/therapist/queue", headers=team.th).json()["items"]
    assert [(i["patient"]["id"], i["urgent_flags"], i["open_flags"]) for i in items] == [
        (str(other.id), 1, 1),
        (str(team.patient.id), 0, 1),
    ]
    assert items[0]["safety_flags"][0]["level"] == "urgent"


def test_the_clinic_shows_the_level_and_refuses_an_acknowledgement_without_outcome(
    team: Team,
    db: Session,
    browser: Browser,  # noqa: F811
) -> None:
    flag_id = team.write(team.clock.now, body=PASSIVE)["safety"]["flag_id"]
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert "For review" in page
    assert '<option value="" selected>Choose an outcome</option>' in page
    assert '<option value="contacted_patient" selected' not in page
    r = browser.post(f"/clinic/flags/{flag_id}/acknowledge", {"outcome": "", "note": "x"})
    assert r.status_code == 422
    assert "form_invalid" in r.text or "outcome" in r.text
    assert _stored(db, flag_id).acknowledged_at is None
    r = browser.post(f"/clinic/flags/{flag_id}/acknowledge", {"outcome": "no_risk_found"})
    assert r.status_code == 303
    assert _stored(db, flag_id).outcome == "no_risk_found"


def test_the_clinic_says_urgent_in_words(team: Team, browser: Browser) -> None:  # noqa: F811
    team.write(team.clock.now, body=PLAN)
    browser.sign_in(team.therapist)
    page = browser.get(f"/clinic/patients/{team.patient.id}").text
    assert ">Urgent</strong>" in page
