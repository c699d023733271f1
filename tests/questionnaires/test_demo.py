"""The demo clinic has weeks of PHQ-9 and GAD-7 history, improving for alex, flat for jordan."""

import sqlite3
from pathlib import Path

from app.cli import main
from tests.test_cli import cli_env

__all__ = ["cli_env"]


def _phq9(db: Path, who: str) -> list[int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT r.score FROM questionnaire_response r JOIN user_account u ON u.id = r.patient_id "
            "WHERE u.email LIKE ? AND r.code = 'phq9' ORDER BY r.answered_at",
            (f"{who}@%",),
        ).fetchall()
    return [int(s) for (s,) in rows]


def test_seed_demo_gives_alex_an_improving_and_jordan_a_flat_course_and_runs_again(
    cli_env: Path,
) -> None:
    assert main(["seed-demo"]) == 0
    alex, jordan = _phq9(cli_env, "alex"), _phq9(cli_env, "jordan")
    assert len(alex) >= 4 and len(jordan) >= 4
    assert alex[-1] <= alex[0] / 2  # a response
    assert max(jordan) - min(jordan) <= 2
    assert main(["seed-demo"]) == 0
    assert _phq9(cli_env, "alex") == alex
