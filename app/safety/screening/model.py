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
# A longer entry gives every sentence its own chance to cross the line, so each
# must reach higher: chosen the same way, on entries built from held-back sentences.
SENTENCE_THRESHOLD = 0.85

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
            out += [w[i : i + n] for i in range(len(w) - n + 1)]
    return out


def word_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def word_ngrams(tokens: list[str]) -> list[str]:
    out = list(tokens)
    for n in range(max(2, WORD_NGRAMS[0]), WORD_NGRAMS[1] + 1):
        out += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return out


@dataclass(frozen=True)
class _Grams:
    """A text's letter n-grams and word tokens; a text's are its sentences' joined."""

    chars: list[str]
    tokens: list[str]

    @classmethod
    def of(cls, text: str) -> "_Grams":
        return cls(char_ngrams(text), word_tokens(text))

    @classmethod
    def joined(cls, parts: list["_Grams"]) -> "_Grams":
        return cls([g for p in parts for g in p.chars], [t for p in parts for t in p.tokens])


class _Block:
    """One TF-IDF vectorizer and its slice of the weights: per term, its idf and
    its weight for each class, so a text is scored in one pass over its n-grams."""

    def __init__(self, spec: dict[str, Any], coef: list[list[float]], offset: int) -> None:
        self.width = len(spec["terms"])
        self.terms = {
            t: (idf, *(row[offset + i] for row in coef))
            for i, (t, idf) in enumerate(zip(spec["terms"], spec["idf"], strict=True))
        }

    def scores(self, grams: list[str], classes: int) -> list[float]:
        """Each class's weights times the text's sublinear tf-idf, scaled to unit length."""
        sums, squares = [0.0] * classes, 0.0
        terms, log = self.terms, math.log
        # Counted in C first: most n-grams of a text repeat or are unknown.
        found = [(e, c) for g, c in Counter(grams).items() if (e := terms.get(g)) is not None]
        if classes == 1:  # the risk model: one weight per term
            total = 0.0
            for entry, count in found:
                x = (1 + log(count)) * entry[0]
                squares += x * x
                total += entry[1] * x
            sums[0] = total
        else:
            for entry, count in found:
                x = (1 + log(count)) * entry[0]
                squares += x * x
                for k in range(classes):
                    sums[k] += entry[k + 1] * x
        norm = math.sqrt(squares) or 1.0
        return [v / norm for v in sums]


class _Linear:
    """Logistic regression over the two blocks side by side."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.classes: list[str] = spec["classes"]
        self.intercept: list[float] = spec["intercept"]
        self.char = _Block(spec["char"], spec["coef"], 0)
        self.word = _Block(spec["word"], spec["coef"], self.char.width)

    def decisions(self, grams: _Grams) -> list[float]:
        k = len(self.intercept)
        char = self.char.scores(grams.chars, k)
        word = self.word.scores(word_ngrams(grams.tokens), k)
        return [b + c + w for b, c, w in zip(self.intercept, char, word, strict=True)]


@dataclass(frozen=True)
class ModelVerdict:
    probability: float
    category: str


class RiskModel:
    def __init__(self, weights: dict[str, Any]) -> None:
        self.risk, self.kind = _Linear(weights["risk"]), _Linear(weights["kind"])

    def probability(self, normalised: str | _Grams) -> float:
        """P(risk): the binary model's decision through the logistic function."""
        grams = normalised if isinstance(normalised, _Grams) else _Grams.of(normalised)
        (z,) = self.risk.decisions(grams)
        return 1 / (1 + math.exp(-z))

    def category(self, normalised: str | _Grams) -> str:
        grams = normalised if isinstance(normalised, _Grams) else _Grams.of(normalised)
        scores = self.kind.decisions(grams)
        return self.kind.classes[max(range(len(scores)), key=scores.__getitem__)]

    def judge(self, normalised: str | _Grams) -> ModelVerdict | None:
        """A verdict when the text reaches the threshold, else None."""
        probability = self.probability(normalised)
        if probability < THRESHOLD:
            return None
        return ModelVerdict(probability, self.category(normalised))

    def judge_sentences(self, sentences: list[str]) -> ModelVerdict | None:
        """The whole text at the threshold; failing that, of several sentences the
        likeliest at the higher sentence threshold. N-grams are taken once, per
        sentence; the whole text's are theirs joined."""
        parts = [_Grams.of(t) for t in sentences if any(c.isalpha() for c in t)]
        if not parts:
            return None
        whole = self.judge(_Grams.joined(parts))
        if whole is not None or len(parts) == 1:
            return whole
        probability, best = max(
            ((self.probability(p), i) for i, p in enumerate(parts)), key=lambda x: x[0]
        )
        if probability < SENTENCE_THRESHOLD:
            return None
        return ModelVerdict(probability, self.category(parts[best]))


@lru_cache(maxsize=1)
def shipped() -> RiskModel:
    return RiskModel(json.loads(WEIGHTS.read_text()))
