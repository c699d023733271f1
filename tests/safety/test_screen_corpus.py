"""The screen measured on the labelled corpus (app/safety/screening/corpus, docs/screen.md)."""

import pytest

from app.cli import main
from app.safety.screening.evaluate import (
    FLOOR_FALSE_ALARMS,
    FLOOR_RECALL,
    evaluate,
    read_corpus,
)
from app.safety.screening.model import CORPUS
from app.safety.screening.rules import CATEGORIES, load_rules

ROWS = read_corpus([CORPUS])


def test_the_corpus_is_large_balanced_and_bilingual() -> None:
    assert len(ROWS) >= 450
    risk = [r for r in ROWS if r["label"] == "risk"]
    assert 0.4 <= len(risk) / len(ROWS) <= 0.6
    for lang in ("en", "es"):
        for category in CATEGORIES:
            if category == "ideation_passive" or lang == "en":
                assert any(r["lang"] == lang and r["category"] == category for r in risk)
        assert any(r["lang"] == lang and r["label"] == "none" for r in ROWS)
    assert {r["label"] for r in ROWS} == {"risk", "none"}


def test_the_screen_holds_its_floor_on_the_whole_corpus() -> None:
    report = evaluate(ROWS)
    errors = "\n".join(report.lines(show_errors=True))
    assert report.recall >= FLOOR_RECALL, errors
    assert report.false_alarms <= FLOOR_FALSE_ALARMS, errors


def test_every_risk_category_holds_the_recall_floor() -> None:
    report = evaluate(ROWS)
    for name, tally in report.risk.items():
        assert tally.rate >= FLOOR_RECALL, (name, tally.misses)


def test_rule_ids_are_unique_and_name_a_language() -> None:
    ids = [r.id for r in load_rules()]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(("en_", "es_")) for i in ids)


def test_screen_eval_prints_recall_and_false_alarms_per_category(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["screen-eval", "--corpus", str(CORPUS / "heldout.jsonl")]) in (0, 1)
    out = capsys.readouterr().out
    assert "recall" in out
    assert "false-alarm rate" in out
    assert "plan" in out
    assert "idiom" in out


def test_screen_eval_refuses_a_missing_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen-eval", "--corpus", "/nonexistent/corpus.jsonl"]) == 2
    assert "no corpus" in capsys.readouterr().err
