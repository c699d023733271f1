"""The model behind the rules: what it sees, that it is reproducible, and how it
does on sentences it was never trained on (docs/screen.md, "Measured")."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, select

from app.safety.models import SafetyFlag
from app.safety.screening.engine import NORMALISER, screen_text
from app.safety.screening.evaluate import evaluate, read_corpus
from app.safety.screening.model import RULE_ID, pieces, read_rows, shipped
from tests.entries.conftest import Team

# Written apart from everything the rules and the model were built on, measured once.
FRESH = Path(__file__).parent / "fresh"
# Oblique: none of the rules' words, risk all the same.
OBLIQUE = "everyone will be fine once I'm not around to ruin things"


def test_risk_said_without_the_rules_words_is_flagged_by_the_model(team: Team, db: Session) -> None:
    safety = team.write(team.clock.now, body=OBLIQUE)["safety"]
    assert safety is not None and safety["flagged"] is True
    flag = db.exec(select(SafetyFlag).where(SafetyFlag.patient_id == team.patient.id)).one()
    assert (flag.rule, flag.category) == (RULE_ID, "ideation_passive")


def test_an_ordinary_entry_is_not_flagged_by_the_model(team: Team) -> None:
    ordinary = "bought a new lamp for the living room and it looks great"
    assert team.write(team.clock.now, body=ordinary)["safety"] is None


def test_the_shipped_weights_are_what_the_corpus_trains() -> None:
    """model.json is current (retrain: `kap-journal screen-train`), and reading it
    without scikit-learn gives scikit-learn's own probabilities and categories."""
    from app.safety.screening.training import fit, items, reader

    read = reader(NORMALISER.text)
    data = items(read, read_rows())
    risk, urgent, kind = fit(data)
    fresh = [pieces(read(r["text"])) for r in read_corpus([FRESH])]
    probe = [f for f, _ in data] + [set().union(*(f for _a, _b, f in p)) for p in fresh if p]
    model = shipped()
    for fitted, read_back in ((risk, model.probability), (urgent, model.urgency)):
        expected = fitted.predict_proba(probe)[:, 1]
        worst = max(abs(read_back(f) - p) for f, p in zip(probe, expected, strict=True))
        assert worst < 1e-6
    assert [model.category(f) for f in probe] == list(kind.predict(probe))


def test_the_fresh_set_was_never_trained_on() -> None:
    trained = {r["text"] for r in read_rows()}
    fresh = read_corpus([FRESH])
    assert len(fresh) >= 250
    assert not trained & {r["text"] for r in fresh}


@pytest.mark.parametrize(
    ("name", "recall", "false_alarms"),
    [
        # Short entries and sentences: 83/87 = 0.954 caught, 25/75 = 0.333 false alarms.
        ("heldout_4.jsonl", 0.93, 0.35),
        # Long entries (4-10 sentences): 50/50 = 1.000 caught, 14/50 = 0.280 false alarms.
        ("long_5.jsonl", 0.96, 0.30),
    ],
)
def test_the_screen_holds_its_measured_level_on_the_fresh_sets(
    name: str, recall: float, false_alarms: float
) -> None:
    """A regression guard just under the level measured (docs/screen.md)."""
    report = evaluate(read_corpus([FRESH / name]))
    errors = "\n".join(report.lines(show_errors=True))
    assert report.recall >= recall, errors
    assert report.false_alarms <= false_alarms, errors


def test_a_sentence_of_risk_in_a_long_ordinary_entry_is_found() -> None:
    ordinary = [
        "Walked the dog before work and the air was cold.",
        "Lunch with my sister, we laughed about our mother's cooking.",
        "The report is finally done and my boss seemed pleased.",
        "Made soup, watched an old film, folded the laundry.",
    ]
    risk = "Everyone will be fine once I'm not around to ruin things."
    assert screen_text(" ".join(ordinary)) is None
    hit = screen_text(" ".join([*ordinary[:2], risk, *ordinary[2:]]))
    assert hit is not None and hit.rule == RULE_ID


def test_no_rule_and_no_model_flag_an_empty_text() -> None:
    assert screen_text("") is None
    assert screen_text("   ") is None


def test_a_text_reads_the_same_in_every_process() -> None:
    """Spelling ties were once settled by set order, which differs between
    processes; the corpus must normalise (and so train and screen) identically."""
    script = (
        "import hashlib;"
        "from app.safety.screening.engine import NORMALISER;"
        "from app.safety.screening.model import read_rows;"
        "print(hashlib.sha256('|'.join(NORMALISER.text(r['text']) for r in read_rows())"
        ".encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env=os.environ | {"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(digests) == 1
