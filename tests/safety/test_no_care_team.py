"""Honest messages: nobody is told "your care team has been alerted" unless a
notification was written for the care team. No on-call staff are set here."""

import pytest
from sqlmodel import Session, select

from app.notifications.models import Notification
from app.safety.messages import flag_message
from tests.entries.conftest import Team, iso
from tests.factories import make_patient

RISKY = "Some days I want to die."


def test_a_patient_with_no_care_team_and_no_on_call_is_told_no_one_was_alerted(
    team: Team,
    db: Session,
    login,  # type: ignore[no-untyped-def]
) -> None:
    alone = make_patient(db)
    headers = login(alone)
    plan = {"reasons_for_living": ["My dog"], "coping_strategies": ["Call Sam"]}
    assert team.client.put("/v1/me/safety-plan", json=plan, headers=headers).status_code == 200
    r = team.client.post(
        "/v1/entries", json={"body": RISKY, "written_at": iso(team.clock.now)}, headers=headers
    )
    safety = r.json()["safety"]
    assert "alerted" not in safety["message"].replace("no one was alerted", "")
    assert "no one was alerted" in safety["message"]
    assert (safety["care_team_alerted"], safety["on_call_alerted"]) == (False, False)
    assert any("988" in c["contact"] for c in safety["crisis_resources"])
    assert safety["safety_plan"]["reasons_for_living"] == ["My dog"]
    written = db.exec(select(Notification).where(Notification.user_id != alone.id)).all()
    assert [n for n in written if n.data.get("patient_id") == str(alone.id)] == []


def test_a_patient_with_a_care_team_is_told_it_was_alerted(team: Team, db: Session) -> None:
    e = team.write(team.clock.now, body=RISKY)
    assert "Your care team has been alerted" in e["safety"]["message"]
    rows = db.exec(select(Notification).where(Notification.kind == "safety_flag")).all()
    assert [n.user_id for n in rows] == [team.therapist.id]


def test_an_edit_of_a_flagged_entry_repeats_what_the_flag_recorded(
    team: Team,
    login,
    db: Session,  # type: ignore[no-untyped-def]
) -> None:
    alone = make_patient(db)
    headers = login(alone)
    r = team.client.post(
        "/v1/entries", json={"body": RISKY, "written_at": iso(team.clock.now)}, headers=headers
    )
    edited = team.client.patch(
        f"/v1/entries/{r.json()['id']}",
        json={"body": RISKY + " Still."},
        headers=headers | {"If-Match": '"v1"'},
    )
    assert edited.json()["safety"]["flag_id"] == r.json()["safety"]["flag_id"]
    assert "no one was alerted" in edited.json()["safety"]["message"]


@pytest.mark.parametrize("locale", ["en", "es", "es-MX", "fr"])
@pytest.mark.parametrize("alerted", ["care_team", "on_call", "nobody"])
@pytest.mark.parametrize("sees", ["entry", "flag_only", "answers"])
def test_only_a_care_team_alert_is_called_one(locale: str, alerted: str, sees: str) -> None:
    text = flag_message(alerted, sees, locale)  # type: ignore[arg-type]
    says_alerted = (
        "care team has been alerted" in text or "Se avisó a tu equipo de atención" in text
    )
    assert says_alerted == (alerted == "care_team")


def test_the_messages_are_in_spanish_for_spanish_locales() -> None:
    assert flag_message("nobody", "entry", "es").startswith("Lo que escribiste")
    assert "personal de guardia" in flag_message("on_call", "entry", "es")
    assert flag_message("care_team", "entry", "fr") == flag_message("care_team", "entry")
