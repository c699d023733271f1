"""The sentences quoted in issue 11, written as journal entries through the API."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.safety.models import SafetyFlag
from tests.entries.conftest import Team

MISSED_BEFORE = (
    "i dont want to live anymore",
    "I wish I could fall asleep and never wake up",
    "im gonna end it tonight",
    "I have the pills saved up",
    "I cut my arms again",
    "kill my self",
    "Quiero morirme",
)
FLAGGED_BEFORE = (
    "I'm not suicidal, just really tired",
    "I would never kill myself, my kids need me",
    "My brother died by suicide ten years ago",
    "I want to die my hair blue",
)


@pytest.mark.parametrize("text", MISSED_BEFORE)
def test_an_entry_with_risk_the_old_list_missed_is_flagged(text: str, team: Team) -> None:
    safety = team.write(team.clock.now, body=text)["safety"]
    assert safety is not None
    assert safety["flagged"] is True


@pytest.mark.parametrize("text", FLAGGED_BEFORE)
def test_an_entry_the_old_list_flagged_without_risk_is_not_flagged(text: str, team: Team) -> None:
    assert team.write(team.clock.now, body=text)["safety"] is None


def test_a_flag_stores_its_category_and_rule_but_no_text(team: Team, db: Session) -> None:
    team.write(team.clock.now, body="I have the pills saved up", shared_with_care_team=False)
    flag = db.exec(select(SafetyFlag).where(SafetyFlag.patient_id == team.patient.id)).one()
    assert (flag.source, flag.category, flag.rule) == ("entry", "plan", "en_pills_saved")
    stored = " ".join(str(v) for v in flag.model_dump().values())
    assert "pills" not in stored.replace("en_pills_saved", "")


def test_metrics_count_a_raised_flag_by_category_and_rule(team: Team, client: TestClient) -> None:
    line = (
        'kapj_safety_flags_raised_total{category="ideation",rule="es_quiero_morir",source="entry"}'
    )

    def count() -> float:
        for row in client.get("/metrics").text.splitlines():
            if row.startswith(line):
                return float(row.split()[-1])
        return 0.0

    before = count()
    team.write(team.clock.now, body="Quiero morirme")
    assert count() == before + 1
