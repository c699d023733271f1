"""Every table has a retention rule, and every rule names a job that exists."""

from sqlmodel import SQLModel

import app.models  # noqa: F401  (the whole metadata)
from app.retention.registry import RULES
from app.worker import JOBS


def test_every_table_has_a_retention_rule() -> None:
    missing = sorted(set(SQLModel.metadata.tables) - set(RULES))
    assert missing == [], f"tables without a rule in app/retention/registry.py: {missing}"


def test_every_rule_names_a_table_that_exists() -> None:
    assert sorted(set(RULES) - set(SQLModel.metadata.tables)) == []


def test_every_retention_job_a_rule_names_runs_in_the_worker() -> None:
    running = {job.name for job in JOBS}
    named = {
        part.split(" ")[0]
        for rule in RULES.values()
        for part in rule.job.split("; ")
        if part.startswith(("retention.", "closure."))
    }
    assert sorted(named - running) == []


def test_retention_doc_lists_every_table() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "retention.md").read_text()
    assert [t for t in RULES if f"`{t}`" not in doc] == []
