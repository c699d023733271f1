"""A second reader for what the rules cannot name: a statistical model of risk.

Rules catch risk said in the words they know; risk said obliquely ("the people I
love deserve a break from me", "looked up the tide schedule for the pier") slips
past them. This model reads the same normalised text as letters and words
(TF-IDF over character 3-5-grams and word 1-2-grams) and weighs them with logistic
regression, trained on the labelled corpus shipped beside it (`corpus/`), hard
negatives included. It is trained when first used, in well under a second, so
what runs is always what the corpus says; there is no opaque file to trust.

A second model, trained on the risk sentences alone, names the category.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

CORPUS = Path(__file__).parent / "corpus"
RULE_ID = "model_v1"
# Chosen by five-fold cross-validation on the corpus: about one false alarm in
# twelve among hard negatives (docs/screen.md gives the figures on unseen text).
THRESHOLD = 0.74


@dataclass(frozen=True)
class ModelVerdict:
    probability: float
    category: str


def _pipeline() -> Pipeline:
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True),
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
    )
    return make_pipeline(features, LogisticRegression(C=8, class_weight="balanced", max_iter=3000))


def read_rows(folder: Path = CORPUS) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows


class RiskModel:
    def __init__(self, texts: list[str], labels: list[str]) -> None:
        """`texts` normalised as the screen normalises; `labels` a category or "none"."""
        self.risk = _pipeline().fit(texts, [label != "none" for label in labels])
        kinds = [(t, label) for t, label in zip(texts, labels, strict=True) if label != "none"]
        self.kind = _pipeline().fit([t for t, _ in kinds], [label for _, label in kinds])

    def probability(self, normalised: str) -> float:
        return float(self.risk.predict_proba([normalised])[0][1])

    def judge(self, normalised: str) -> ModelVerdict | None:
        """A verdict when the text reaches the threshold, else None."""
        probability = self.probability(normalised)
        if probability < THRESHOLD:
            return None
        return ModelVerdict(probability, str(self.kind.predict([normalised])[0]))


@lru_cache(maxsize=1)
def trained(normalise: Any) -> RiskModel:
    """The model of the shipped corpus, trained once per process."""
    rows = read_rows()
    texts = [normalise(r["text"]) for r in rows]
    labels = [r["category"] if r["label"] == "risk" else "none" for r in rows]
    return RiskModel(texts, labels)
