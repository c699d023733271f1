"""Training the screen's model (`kap-journal screen-train`; needs the dev extras).

scikit-learn fits TF-IDF features and logistic regression on the shipped corpus;
the vocabulary, weights and intercepts are written to `model.json`, which the
running app reads (model.py) without loading scikit-learn: importing it costs
about 100 MB per web process. `tests/safety/test_screen_model.py` retrains and
checks that the shipped file still says what the corpus says.
"""

import json
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline, make_union

from app.safety.screening.model import CHAR_NGRAMS, WEIGHTS, WORD_NGRAMS, read_rows

C = 8.0


def pipeline() -> Pipeline:
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=2, sublinear_tf=True),
        TfidfVectorizer(ngram_range=WORD_NGRAMS, sublinear_tf=True),
    )
    return make_pipeline(features, LogisticRegression(C=C, class_weight="balanced", max_iter=3000))


def fit(texts: list[str], labels: list[str]) -> tuple[Pipeline, Pipeline]:
    """Risk against none; then, on the risk texts alone, which category."""
    risk = pipeline().fit(texts, [label != "none" for label in labels])
    kinds = [(t, label) for t, label in zip(texts, labels, strict=True) if label != "none"]
    kind = pipeline().fit([t for t, _ in kinds], [label for _, label in kinds])
    return risk, kind


def _vectorizer(union: FeatureUnion, index: int) -> dict[str, Any]:
    vec: TfidfVectorizer = union.transformer_list[index][1]
    terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
    return {"terms": terms, "idf": [round(float(x), 9) for x in vec.idf_]}


def export(risk: Pipeline, kind: Pipeline) -> dict[str, Any]:
    def weights(p: Pipeline) -> dict[str, Any]:
        union, lr = p.steps[0][1], p.steps[1][1]
        return {
            "char": _vectorizer(union, 0),
            "word": _vectorizer(union, 1),
            "classes": [str(c) for c in lr.classes_],
            "coef": [[round(float(x), 9) for x in row] for row in lr.coef_],
            "intercept": [round(float(x), 9) for x in lr.intercept_],
        }

    return {"risk": weights(risk), "kind": weights(kind)}


def train(normalise: Any, folder: Path | None = None) -> dict[str, Any]:
    rows = read_rows(folder) if folder else read_rows()
    texts = [normalise(r["text"]) for r in rows]
    labels = [r["category"] if r["label"] == "risk" else "none" for r in rows]
    return export(*fit(texts, labels))


def write(normalise: Any, path: Path = WEIGHTS) -> None:
    path.write_text(json.dumps(train(normalise), separators=(",", ":"), ensure_ascii=False))
