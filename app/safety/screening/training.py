"""Training the screen's model (`kap-journal screen-train`; needs the dev extras).

scikit-learn fits logistic regression on the binary features of `model.features`
(weighted by idf, scaled to unit length) from the shipped corpus; the vocabulary, weights and
intercepts are written to `model.json`, which the running app reads (model.py)
without loading scikit-learn: importing it costs about 100 MB per web process.
`tests/safety/test_screen_model.py` retrains and checks that the shipped file still
says what the corpus says.
"""

import json
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from app.safety.screening.model import WEIGHTS, features, read_rows

C = 4.0


def pipeline() -> Pipeline:
    vec = TfidfVectorizer(analyzer=features, binary=True, min_df=2)
    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
    return make_pipeline(vec, lr)


def risk_label(row: dict[str, Any]) -> bool:
    """Risk at any tier: `urgent` or `review` (new sets), `risk` (the first corpus)."""
    return bool(row["label"] in ("urgent", "review", "risk"))


def fit(
    texts: list[str], risky: list[bool], kinds: list[tuple[str, str]]
) -> tuple[Pipeline, Pipeline]:
    """Risk against none; then, on the risk texts that name one, which category."""
    risk = pipeline().fit(texts, risky)
    kind = pipeline().fit([t for t, _ in kinds], [k for _, k in kinds])
    return risk, kind


def export(risk: Pipeline, kind: Pipeline) -> dict[str, Any]:
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

    return {"risk": weights(risk), "kind": weights(kind)}


def train_rows(normalise: Any, rows: list[dict[str, Any]]) -> dict[str, Any]:
    texts = [normalise(r["text"]) for r in rows]
    risky = [risk_label(r) for r in rows]
    kinds = [
        (t, r["category"])
        for t, r in zip(texts, rows, strict=True)
        if r.get("category") and risk_label(r)
    ]
    return export(*fit(texts, risky, kinds))


def train(normalise: Any, folder: Path | None = None) -> dict[str, Any]:
    return train_rows(normalise, read_rows(folder) if folder else read_rows())


def write(normalise: Any, path: Path = WEIGHTS) -> None:
    path.write_text(json.dumps(train(normalise), separators=(",", ":"), ensure_ascii=False))
