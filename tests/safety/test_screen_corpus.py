"""The screen measured on the labelled corpus (app/safety/screening/corpus, docs/screen.md)."""

from pathlib import Path

import pytest

from app.cli import main
from app.safety.screening import evaluate as ev
from app.safety.screening.evaluate import evaluate, read_corpus, wilson
from app.safety.screening.model import CORPUS
from app.safety.screening.rules import load_rules

ROWS = read_corpus([CORPUS])


def test_the_corpus_is_large_tiered_bilingual_and_by_several_writers() -> None:
    assert len(ROWS) >= 2900
    assert sum(r["lang"] == "es" for r in ROWS) >= len(ROWS) // 3
    assert sum(ev.length(r) == "long" for r in ROWS) >= 400
    assert {ev.tier(r) for r in ROWS} == {"urgent", "review", "none"}
    assert len({r["writer"] for r in ROWS if r.get("writer")}) >= 4


def test_what_the_corpus_taught_is_not_lost() -> None:
    """Just under the level measured on the corpus itself (a check, not a measure)."""
    report = evaluate(ROWS)
    errors = "\n".join(report.lines(show_errors=True)[-40:])
    # 0.979 since rarer features were dropped (training.MIN_DF 6): what the model
    # memorised of single items, not what it reads in new ones.
    assert report.recall >= 0.975, errors
    assert report.tally("urgent recall").rate >= 0.83, errors
    assert report.false_alarms <= 0.12, errors


def test_wilson_interval_brackets_the_rate() -> None:
    lo, hi = wilson(45, 50)
    assert lo < 0.9 < hi
    assert wilson(0, 0) == (0.0, 1.0)
    assert wilson(10, 10)[1] == 1.0


def test_the_report_is_per_tier_language_and_length(tmp_path: Path) -> None:
    f = tmp_path / "set.jsonl"
    f.write_text(
        '{"text": "I bought a rope yesterday", "label": "urgent", "lang": "en", "length": "short"}\n'
        '{"text": "Hoy fui al mercado con mi hermana", "label": "none", "lang": "es", "length": "short"}\n'
    )
    lines = "\n".join(evaluate(read_corpus([f])).lines())
    assert "urgent recall  en short  1/1" in lines
    assert "false alarms   es" in lines


def test_evaluate_takes_a_list_of_paths(capsys: pytest.CaptureFixture[str]) -> None:
    assert ev.main([str(CORPUS / "w1.jsonl"), str(CORPUS / "heldout.jsonl")]) == 0
    assert "urgent recall" in capsys.readouterr().out
    assert ev.main([str(CORPUS / "nope.jsonl")]) == 2


def test_rule_ids_are_unique_and_name_a_language() -> None:
    ids = [r.id for r in load_rules()]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(("en_", "es_")) for i in ids)


def test_screen_eval_still_prints_recall_and_false_alarms(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["screen-eval", "--corpus", str(CORPUS / "heldout.jsonl")]) in (0, 1)
    out = capsys.readouterr().out
    assert "recall" in out
    assert "false alarms" in out


def test_screen_eval_refuses_a_missing_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen-eval", "--corpus", "/nonexistent/corpus.jsonl"]) == 2
    assert "no corpus" in capsys.readouterr().err
