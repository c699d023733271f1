"""screen-report: flag counts per rule and per acknowledgement status."""

import uuid

from sqlmodel import Session

from app.safety.models import SafetyFlag
from app.safety.report import flag_counts, report_lines
from tests.entries.conftest import Team


def _counts(db: Session) -> dict[tuple[str, str], int]:
    return {(r["rule"], r["status"]): r["flags"] for r in flag_counts(db)}


def test_flags_are_counted_per_rule_and_status(team: Team, db: Session) -> None:
    first = team.write(team.clock.now, body="I cut my arms again")
    team.write(team.clock.now, body="I cut myself last night")
    team.write(team.clock.now, body="Quiero morirme")
    # Acknowledged directly: this test is about the report, not the acknowledge route.
    flag = db.get(SafetyFlag, uuid.UUID(first["safety"]["flag_id"]))
    assert flag is not None
    flag.acknowledged_at, flag.acknowledged_by = team.clock.now, team.therapist.id
    db.add(flag)
    db.flush()
    counts = _counts(db)
    assert counts[("en_harm_body", "acknowledged")] == 1
    assert counts[("en_harm_self_act", "open")] == 1
    assert counts[("es_quiero_morir", "open")] == 1


def test_the_report_prints_totals_per_rule_and_per_status(team: Team, db: Session) -> None:
    team.write(team.clock.now, body="Quiero morirme")
    text = "\n".join(report_lines(flag_counts(db)))
    assert "flags per rule" in text
    assert "es_quiero_morir" in text
    assert "flags per status" in text
    assert "all flags  1" in text


def test_an_empty_database_reports_no_flags(db: Session) -> None:
    assert report_lines(flag_counts(db))[-1] == "all flags  0"
