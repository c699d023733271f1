"""Each language has its own version label; an instrument with no verified translation
in the patient's language is not scheduled for them, and the schedule says why."""

from sqlmodel import Session

from tests.entries.conftest import Team
from tests.questionnaires.conftest import answer


def _spanish(team: Team, db: Session) -> None:
    r = team.client.patch("/v1/me", json={"locale": "es"}, headers=team.ph)
    assert r.status_code == 200, r.text


def test_each_language_carries_its_own_version_label(team: Team) -> None:
    en = team.client.get("/v1/questionnaires/phq9?locale=en", headers=team.ph).json()
    es = team.client.get("/v1/questionnaires/phq9?locale=es", headers=team.ph).json()
    assert en["version"] == "PHQ-9 (Pfizer, 1999)"
    assert es["version"] == "PHQ-9 (Pfizer, 1999), Spanish for the USA"


def test_gad7_asks_its_own_last_question(team: Team) -> None:
    gad7 = team.client.get("/v1/questionnaires/gad7?locale=en", headers=team.ph).json()
    phq9 = team.client.get("/v1/questionnaires/phq9?locale=en", headers=team.ph).json()
    assert gad7["items"][-1]["text"].startswith("If you checked off any problems, how")
    assert "have these made it for you" in gad7["items"][-1]["text"]
    assert gad7["items"][-1]["text"] != phq9["items"][-1]["text"]


def test_the_pcl5_band_is_provisional_ptsd(team: Team) -> None:
    out = answer(team, "pcl5", {f"pcl5_{i}": 2 for i in range(1, 21)}, team.clock.now)
    assert (out["score"], out["severity"]) == (40, "provisional_ptsd")


def test_pcl5_is_not_scheduled_in_spanish_and_the_schedule_says_why(
    team: Team, db: Session
) -> None:
    url = f"/v1/patients/{team.patient.id}/questionnaire-schedule"
    r = team.client.put(url, json={"plans": {"pcl5": {"enrolment": True}}}, headers=team.th)
    assert r.status_code == 200, r.text
    assert "pcl5" in r.json()["plans"] and r.json()["not_scheduled"] == []
    due = team.client.get("/v1/me/questionnaires/due", headers=team.ph).json()["items"]
    assert "pcl5" in {i["code"] for i in due}
    _spanish(team, db)
    due = team.client.get("/v1/me/questionnaires/due", headers=team.ph).json()["items"]
    assert "pcl5" not in {i["code"] for i in due}
    assert {"phq9", "gad7"} <= {i["code"] for i in due}
    view = team.client.get(url, headers=team.th).json()
    assert "pcl5" not in view["plans"]
    assert view["not_scheduled"] == [
        {"code": "pcl5", "locale": "es", "reason": "no_verified_translation"}
    ]


def test_a_spanish_answer_records_the_spanish_version(team: Team, db: Session) -> None:
    _spanish(team, db)
    out = answer(team, "gad7", {f"gad7_{i}": 0 for i in range(1, 8)}, team.clock.now)
    assert out["instrument_version"] == "GAD-7 (Spitzer et al., 2006), Spanish for the USA"
