"""A second reader for what the rules cannot name: a statistical model of risk.

Rules catch risk said in the words they know; risk said obliquely ("the people I
love deserve a break from me", "looked up the tide schedule for the pier") slips
past them. This model reads the same normalised text as a set of words, word pairs
and word beginnings (so "matarme", "matar" and "matarlo" share a feature), each
present or not, weighted by idf and scaled to unit length, and weighs them with logistic regression
trained on the labelled corpus shipped beside it (`corpus/`). A second model,
trained on the risk sentences that carry a category, names the category.

Training is scikit-learn's (training.py, `kap-journal screen-train`), on the same
`features` function; the vocabulary and weights are in `model.json`. Reading them
here is a set intersection and a sum per sentence, all in C: no scikit-learn in a
web process, and no loop over the words in Python.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "corpus"
WEIGHTS = Path(__file__).parent / "model.json"
RULE_ID = "model_v2"
PREFIX = 5
_STEM = itemgetter(slice(0, PREFIX))
_DROP = str.maketrans({".": " ", ",": " "})
# Chosen by leave-one-writer-out on the corpus (docs/screen.md): the whole text,
# then each unit of a longer text at a higher line (each is another chance of a
# false alarm).
THRESHOLD = 0.6
UNIT_THRESHOLD = 0.7
# Sentences shorter than this many words are read together with the next, so a
# text of a thousand tiny sentences is a bounded number of units.
UNIT_WORDS = 6


def read_rows(folder: Path = CORPUS) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows


def features(text: str) -> list[str]:
    """Words, adjacent word pairs, and the first letters of longer words (marked '~')."""
    words = text.translate(_DROP).split()
    pairs = map(" ".join, pairwise(words))
    stems = [s + "~" for s in map(_STEM, words) if len(s) == PREFIX]
    return [*words, *pairs, *stems]


def units(sentences: list[str]) -> list[tuple[int, int, str]]:
    """Sentences joined until each unit has UNIT_WORDS words: (first, last, text)."""
    out: list[tuple[int, int, str]] = []
    first, count = 0, 0
    parts: list[str] = []
    for i, s in enumerate(sentences):
        if not s:
            continue
        if not parts:
            first = i
        parts.append(s)
        count += s.count(" ") + 1
        if count >= UNIT_WORDS:
            out.append((first, i, " ".join(parts)))
            parts, count = [], 0
    if parts:
        out.append((first, len(sentences) - 1, " ".join(parts)))
    return [u for u in out if u[2].strip()]


@dataclass(frozen=True)
class ModelVerdict:
    probability: float
    category: str
    unit: int  # the first and last sentence of the unit that crossed the line
    last: int


class _Linear:
    """Logistic regression over present features weighted by idf, scaled to unit
    length: per term its idf squared and, per class, weight times idf, so a text is
    a set intersection and a few sums."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.classes: list[str] = spec["classes"]
        self.intercept: list[float] = spec["intercept"]
        terms, idf = spec["terms"], spec["idf"]
        self.square = dict(zip(terms, (x * x for x in idf), strict=True))
        self.weights = [
            dict(zip(terms, (w * x for w, x in zip(row, idf, strict=True)), strict=True))
            for row in spec["coef"]
        ]
        self.terms = self.square.keys()

    def decisions(self, found: set[str]) -> list[float]:
        known = found & self.terms
        norm = math.sqrt(sum(map(self.square.__getitem__, known))) or 1.0
        return [
            b + sum(map(w.__getitem__, known)) / norm
            for b, w in zip(self.intercept, self.weights, strict=True)
        ]


class RiskModel:
    def __init__(self, weights: dict[str, Any]) -> None:
        self.risk, self.kind = _Linear(weights["risk"]), _Linear(weights["kind"])

    def probability(self, normalised: str | set[str]) -> float:
        found = normalised if isinstance(normalised, set) else set(features(normalised))
        (z,) = self.risk.decisions(found)
        return 1 / (1 + math.exp(-z))

    def category(self, normalised: str | set[str]) -> str:
        found = normalised if isinstance(normalised, set) else set(features(normalised))
        scores = self.kind.decisions(found)
        return self.kind.classes[max(range(len(scores)), key=scores.__getitem__)]

    def judge_units(self, sentences: list[str]) -> ModelVerdict | None:
        """The whole text at THRESHOLD; failing that, of several units the likeliest
        at UNIT_THRESHOLD."""
        parts = [(a, b, set(features(t))) for a, b, t in units(sentences) if t]
        if not parts:
            return None
        whole: set[str] = set().union(*(f for _a, _b, f in parts))
        p = self.probability(whole)
        if p >= THRESHOLD or len(parts) == 1:
            if p < THRESHOLD:
                return None
            return ModelVerdict(p, self.category(whole), parts[0][0], parts[-1][1])
        p, first, last, found = max(
            ((self.probability(f), a, b, f) for a, b, f in parts), key=itemgetter(0)
        )
        if p < UNIT_THRESHOLD:
            return None
        return ModelVerdict(p, self.category(found), first, last)


@lru_cache(maxsize=1)
def shipped() -> RiskModel:
    return RiskModel(json.loads(WEIGHTS.read_text()))
