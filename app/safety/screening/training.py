"""Training the screen's model (`kap-journal screen-train`; needs the dev extras).

scikit-learn fits logistic regression on the binary features of `model.features`
(weighted by idf, scaled to unit length) from the shipped corpus; the vocabulary, weights and
intercepts are written to `model.json`, which the running app reads (model.py)
without loading scikit-learn: importing it costs about 100 MB per web process.
`tests/safety/test_screen_model.py` retrains and checks that the shipped file still
says what the corpus says.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from app.safety.screening.model import WEIGHTS, pieces, read_rows, training_items

C = 8.0
# A feature seen in fewer items than this is dropped: rarer ones cost every web
# process memory and buy nothing. With 18,000 items, 2 cost about 40 MB more than 4.
# With 57,000, 6 keeps 60 % of 4's features and a process that has screened one text
# peaks 23 MB lower (115 MB against 138); trained without w118-w122 and measured on
# them, 6 read them no worse than 4 (recall 0.945 / 0.938, false alarms 0.135 / 0.145
# short, 0.160 / 0.186 long; docs/screen.md). 8 and 12 saved more but let idioms and
# chores the rule tests pin be flagged.
MIN_DF = 6
URGENT_CATEGORIES = ("plan", "behaviour", "harm_to_others")
# A raw text to what the model reads of it: its sentences (engine.model_input).
Reader = Callable[[str], list[str]]


def _identity(found: set[str]) -> list[str]:
    return sorted(found)


def pipeline() -> Pipeline:
    vec = TfidfVectorizer(analyzer=_identity, binary=True, min_df=MIN_DF)
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
    return make_pipeline(vec, lr)


def risk_label(row: dict[str, Any]) -> bool:
    """Risk at any tier: `urgent` or `review` (new sets), `risk` (the first corpus)."""
    return bool(row["label"] in ("urgent", "review", "risk"))


def urgent_label(row: dict[str, Any]) -> bool:
    if row["label"] == "risk":
        return row.get("category") in URGENT_CATEGORIES
    return bool(row["label"] == "urgent")


def items(read: Reader, rows: list[dict[str, Any]]) -> list[tuple[set[str], dict[str, Any]]]:
    """Each row's training items (model.training_items), with the row."""
    out = []
    for r in rows:
        parts = pieces(read(r["text"]))
        out += [(f, r) for f in training_items(parts, risk_label(r))]
    return out


def fit(data: list[tuple[set[str], dict[str, Any]]]) -> tuple[Pipeline, Pipeline, Pipeline]:
    """Risk against none; urgent against the rest; among risk, which category."""
    found = [f for f, _ in data]
    risk = pipeline().fit(found, [risk_label(r) for _, r in data])
    urgent = pipeline().fit(found, [urgent_label(r) for _, r in data])
    kinds = [(f, r["category"]) for f, r in data if r.get("category") and risk_label(r)]
    kind = pipeline().fit([f for f, _ in kinds], [k for _, k in kinds])
    return risk, urgent, kind


def export(risk: Pipeline, urgent: Pipeline, kind: Pipeline) -> dict[str, Any]:
    def weights(p: Pipeline) -> dict[str, Any]:
        vec: TfidfVectorizer = p.steps[0][1]
        lr: LogisticRegression = p.steps[-1][1]
        terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        coef = [[round(float(x), 9) for x in row] for row in lr.coef_]
        classes = [str(c) for c in lr.classes_]
        if len(classes) == 2:  # binary: one row, for the second class
            classes = classes[1:]
        return {
            "terms": terms,
            "idf": [round(float(x), 9) for x in vec.idf_],
            "classes": classes,
            "coef": coef,
            "intercept": [round(float(x), 9) for x in lr.intercept_],
        }

    return {"risk": weights(risk), "urgent": weights(urgent), "kind": weights(kind)}


def reader(normalise: Callable[[str], str]) -> Reader:
    from app.safety.screening.engine import model_input

    return lambda text: model_input(normalise(text))


def train_rows(normalise: Callable[[str], str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return export(*fit(items(reader(normalise), rows)))


def train(normalise: Callable[[str], str], folder: Path | None = None) -> dict[str, Any]:
    return train_rows(normalise, read_rows(folder) if folder else read_rows())


def write(normalise: Callable[[str], str], path: Path = WEIGHTS) -> None:
    weights = train(normalise)
    path.write_text(json.dumps(weights, separators=(",", ":"), ensure_ascii=False))
