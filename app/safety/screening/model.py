"""A second reader for what the rules cannot name: a statistical model of risk.

Rules catch risk said in the words they know; risk said obliquely ("the people I
love deserve a break from me", "looked up the tide schedule for the pier") slips
past them. This model reads the same normalised text as letters and words
(TF-IDF over character 3-5-grams within words and word 1-2-grams) and weighs
them with logistic regression, trained on the labelled corpus shipped beside it
(`corpus/`), hard negatives included. A second model, trained on the risk
sentences alone, names the category.

Training is scikit-learn's (training.py, `kap-journal screen-train`); its
vocabulary and weights are in `model.json`. Reading them here takes a few dozen
lines instead of loading scikit-learn into every web process; the tests check
that the two give the same probabilities and that the file matches the corpus.
"""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "corpus"
WEIGHTS = Path(__file__).parent / "model.json"
RULE_ID = "model_v1"
CHAR_NGRAMS = (3, 5)
WORD_NGRAMS = (1, 2)
# Chosen by five-fold cross-validation on the corpus: about one false alarm in
# twelve among hard negatives (docs/screen.md gives the figures on unseen text).
THRESHOLD = 0.74

_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_SPACES = re.compile(r"\s\s+")


def read_rows(folder: Path = CORPUS) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows


def char_ngrams(text: str) -> list[str]:
    """Letter n-grams inside each word, padded with a space (scikit-learn's char_wb)."""
    low, high = CHAR_NGRAMS
    out: list[str] = []
    for word in _SPACES.sub(" ", text.lower()).split():
        w = f" {word} "
        for n in range(low, high + 1):
            if len(w) <= n:
                out.append(w)
                break
            out.extend(w[i : i + n] for i in range(len(w) - n + 1))
    return out


def word_ngrams(text: str) -> list[str]:
    tokens = _TOKEN.findall(text.lower())
    out = list(tokens)
    for n in range(max(2, WORD_NGRAMS[0]), WORD_NGRAMS[1] + 1):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


class _Block:
    """One TF-IDF vectorizer: sublinear counts times idf, scaled to unit length."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.index = {t: i for i, t in enumerate(spec["terms"])}
        self.idf: list[float] = spec["idf"]

    def vector(self, grams: list[str]) -> dict[int, float]:
        counts = Counter(self.index[g] for g in grams if g in self.index)
        values = {i: (1 + math.log(c)) * self.idf[i] for i, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        return {i: v / norm for i, v in values.items()}


class _Linear:
    """Logistic regression over the two blocks side by side."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.char, self.word = _Block(spec["char"]), _Block(spec["word"])
        self.classes: list[str] = spec["classes"]
        self.coef: list[list[float]] = spec["coef"]
        self.intercept: list[float] = spec["intercept"]

    def decisions(self, text: str) -> list[float]:
        char = self.char.vector(char_ngrams(text))
        word = self.word.vector(word_ngrams(text))
        width = len(self.char.idf)
        return [
            b
            + sum(row[i] * v for i, v in char.items())
            + sum(row[width + i] * v for i, v in word.items())
            for row, b in zip(self.coef, self.intercept, strict=True)
        ]


@dataclass(frozen=True)
class ModelVerdict:
    probability: float
    category: str


class RiskModel:
    def __init__(self, weights: dict[str, Any]) -> None:
        self.risk, self.kind = _Linear(weights["risk"]), _Linear(weights["kind"])

    def probability(self, normalised: str) -> float:
        """P(risk): the binary model's decision through the logistic function."""
        (z,) = self.risk.decisions(normalised)
        return 1 / (1 + math.exp(-z))

    def category(self, normalised: str) -> str:
        scores = self.kind.decisions(normalised)
        return self.kind.classes[max(range(len(scores)), key=scores.__getitem__)]

    def judge(self, normalised: str) -> ModelVerdict | None:
        """A verdict when the text reaches the threshold, else None."""
        probability = self.probability(normalised)
        if probability < THRESHOLD:
            return None
        return ModelVerdict(probability, self.category(normalised))


@lru_cache(maxsize=1)
def shipped() -> RiskModel:
    return RiskModel(json.loads(WEIGHTS.read_text()))
