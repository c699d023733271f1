"""Discharge ends treatment: reminders stop, nothing new is shared, the record stays."""

from datetime import timedelta

from sqlmodel import Session, select

from app.notifications.models import Notification, NotificationStatus
from app.worker import still_wanted
from tests.entries.conftest import Team


def _discharge(team: Team, reason: str = "Course completed") -> dict:
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/discharge", json={"reason": reason}, headers=team.th
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_after_discharge_the_team_reads_the_record_but_nothing_new(team: Team) -> None:
    before = team.write(team.clock.now, body="during treatment")
    _discharge(team)
    after = team.write(team.clock.now + timedelta(minutes=1), body="after treatment")
    assert after["shared_with_care_team"] is False
    seen = team.client.get(f"/v1/patients/{team.patient.id}/entries", headers=team.th).json()
    assert [e["id"] for e in seen["items"]] == [before["id"]]
    r = team.client.patch(
        f"/v1/entries/{after['id']}",
        json={"shared_with_care_team": True},
        headers=team.ph | {"If-Match": '"v1"'},
    )
    assert (r.status_code, r.json()["code"]) == (409, "patient_discharged")


def test_discharge_stops_the_reminders_and_tells_the_patient_in_their_language(
    team: Team, db: Session
) -> None:
    team.patient.locale = "es"
    db.add(team.patient)
    db.flush()
    team.session(team.clock.now - timedelta(hours=1))
    _discharge(team)
    rows = db.exec(select(Notification).where(Notification.user_id == team.patient.id)).all()
    reminders = [n for n in rows if n.kind in ("window_closing", "questionnaire_due")]
    assert reminders
    assert {n.status for n in reminders} == {NotificationStatus.cancelled}
    told = [n for n in rows if n.kind == "care_episode"]
    assert [n.title for n in told] == ["Tu tratamiento ha terminado"]
    # A reminder planned later is dropped when it falls due.
    assert not any(still_wanted(db, n) for n in reminders)


def test_discharging_twice_is_409(team: Team) -> None:
    _discharge(team)
    r = team.client.post(
        f"/v1/patients/{team.patient.id}/discharge", json={"reason": "again"}, headers=team.th
    )
    assert (r.status_code, r.json()["code"]) == (409, "patient_discharged")


def test_readmission_opens_a_new_episode_and_sharing_resumes(team: Team) -> None:
    _discharge(team, "Paused for travel")
    r = team.client.post(f"/v1/patients/{team.patient.id}/readmission", headers=team.th)
    assert r.status_code == 201
    assert team.write(team.clock.now)["shared_with_care_team"] is True
    episodes = team.client.get(f"/v1/patients/{team.patient.id}/episodes", headers=team.th).json()
    assert [e["reason"] for e in episodes] == ["Paused for travel", None]
    assert episodes[1]["ended_at"] is None
    mine = team.client.get(f"/v1/patients/{team.patient.id}/episodes", headers=team.ph).json()
    assert [e["reason"] for e in mine] == [None, None]


def test_readmitting_a_patient_in_treatment_is_409(team: Team) -> None:
    r = team.client.post(f"/v1/patients/{team.patient.id}/readmission", headers=team.th)
    assert (r.status_code, r.json()["code"]) == (409, "patient_in_treatment")
