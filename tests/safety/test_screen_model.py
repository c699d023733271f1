"""The model behind the rules: what it sees, that it is reproducible, and how it
does on sentences it was never trained on (docs/screen.md, "Measured")."""

from pathlib import Path

from sqlmodel import Session, select

from app.safety.models import SafetyFlag
from app.safety.screening.engine import NORMALISER, screen_text
from app.safety.screening.evaluate import evaluate, read_corpus
from app.safety.screening.model import RULE_ID, read_rows, shipped
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
    from app.safety.screening.training import fit

    rows = read_rows()
    texts = [NORMALISER.text(r["text"]) for r in rows]
    risk, kind = fit(texts, [r["category"] if r["label"] == "risk" else "none" for r in rows])
    probe = texts + [NORMALISER.text(r["text"]) for r in read_corpus([FRESH])]
    expected = risk.predict_proba(probe)[:, 1]
    categories = kind.predict(probe)
    model = shipped()
    worst = max(abs(model.probability(t) - p) for t, p in zip(probe, expected, strict=True))
    assert worst < 1e-6
    assert [model.category(t) for t in probe] == list(categories)


def test_the_fresh_set_was_never_trained_on() -> None:
    trained = {r["text"] for r in read_rows()}
    fresh = read_corpus([FRESH])
    assert len(fresh) >= 150
    assert not trained & {r["text"] for r in fresh}


def test_the_screen_holds_its_measured_level_on_the_fresh_set() -> None:
    """A regression guard at the level measured when the set was written
    (recall 73/87 = 0.839, false alarms 19/75 = 0.253 among hard negatives)."""
    report = evaluate(read_corpus([FRESH]))
    errors = "\n".join(report.lines(show_errors=True))
    assert report.recall >= 0.80, errors
    assert report.false_alarms <= 0.30, errors


def test_no_rule_and_no_model_flag_an_empty_text() -> None:
    assert screen_text("") is None
    assert screen_text("   ") is None
