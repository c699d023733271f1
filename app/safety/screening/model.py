"""A second reader for what the rules cannot name: a statistical model of risk.

Rules catch risk said in the words they know; risk said obliquely ("the people I
love deserve a break from me", "looked up the tide schedule for the pier") slips
past them. This model reads each sentence the engine lets it read (never one whose
rule words ConText found denied) as the features of `features.py`: words and word
pairs marked inside a negation's scope, and word beginnings. Each is present
or not, weighted by idf and scaled to unit length, and weighed by logistic
regression trained on the labelled corpus shipped beside it (`corpus/`). Three such
models: risk or not; urgent or not (what a clinician pages on); and, among risk,
which category.

A text is read sentence by sentence (tiny sentences joined into pieces of at least
UNIT_WORDS words), each piece alone and with the next, and a short text also whole;
the likeliest reading is the verdict.

Training is scikit-learn's (training.py, `kap-journal screen-train`), on the same
`features` function; the vocabulary and weights are in `model.json`. Reading them
here is one sum per piece, in C (a look-up per feature: idf squared and weight as
one complex number), and a pair of pieces is both sums less what they share: no
scikit-learn in a web process, and no loop over the words in Python.
"""

import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Any

import orjson

from app.safety.screening.fastmodel import MARGIN, line_z, reader
from app.safety.screening.features import feature_set, features

CORPUS = Path(__file__).parent / "corpus"
WEIGHTS = Path(__file__).parent / "model.json"
RULE_ID = "model_v3"
# Chosen by leave-one-writer-out on the corpus (docs/screen.md), recall first: a
# short text (at most SHORT_PIECES pieces), a long one (each reading is another
# chance of a false alarm), and the urgent model's line.
THRESHOLD = 0.55
LONG_THRESHOLD = 0.75
URGENT_THRESHOLD = 0.5
SHORT_PIECES = 3
# Sentences shorter than this many words are read together with the next, so a
# text of a thousand tiny sentences is a bounded number of pieces.
UNIT_WORDS = 6
# A text with fewer spaces than this is read exactly at once (measured: the first
# look in numpy is dearer than the exact reading below about 90 words).
FIRST_LOOK_SPACES = 90


def read_rows(folder: Path = CORPUS) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows


def units(sentences: list[str]) -> list[tuple[int, int, str]]:
    """Sentences joined until each piece has UNIT_WORDS words: (first, last, text)."""
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


def pieces(sentences: list[str]) -> list[tuple[int, int, set[str]]]:
    """Each piece's first and last sentence and its features."""
    return [(a, b, feature_set(text)) for a, b, text in units(sentences)]


def training_items(parts: list[tuple[int, int, set[str]]], risky: bool) -> list[set[str]]:
    """What one labelled text teaches: a short text whole; a long text without risk,
    each piece (none of them is risk); a long text with risk, whole (which piece
    holds it is not labelled)."""
    if not parts:
        return []
    whole = set().union(*(f for _a, _b, f in parts))
    if len(parts) <= SHORT_PIECES or risky:
        return [whole]
    return [f for _a, _b, f in parts]


@dataclass(frozen=True)
class ModelVerdict:
    probability: float
    category: str
    urgent: bool
    unit: int  # the first and last sentence of the reading that crossed the line
    last: int


class _Linear:
    """Logistic regression over present features weighted by idf, scaled to unit
    length: per term its idf squared and, per class, weight times idf, so a text is
    a set intersection and a few sums."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.classes: list[str] = spec["classes"]
        self.intercept: list[float] = spec["intercept"]
        # One string per term for every model (the risk and urgent models share them).
        terms = [sys.intern(t) for t in spec["terms"]]
        idf = spec["idf"]
        self.square: dict[str, float] = {}
        self.weights: list[dict[str, float]] = []
        if len(spec["coef"]) == 1:
            # A binary model's two per-term figures as one number, idf squared + weight
            # j: a reading is one look-up per feature and one sum, and one table per
            # model is all a web process holds (tens of thousands of terms).
            self.both = {
                t: complex(x * x, w * x)
                for t, x, w in zip(terms, idf, spec["coef"][0], strict=True)
            }
        else:
            self.square = dict(zip(terms, (x * x for x in idf), strict=True))
            self.weights = [
                dict(zip(terms, (w * x for w, x in zip(row, idf, strict=True)), strict=True))
                for row in spec["coef"]
            ]
            self.both = {}
        self._both: Callable[[str, complex], complex] = self.both.get

    def decisions(self, found: set[str] | frozenset[str]) -> list[float]:
        if self.both:
            return [self.decision(self.sums(set(found)))]
        known = found & self.square.keys()
        norm = math.sqrt(sum(map(self.square.__getitem__, known))) or 1.0
        return [
            b + sum(map(w.__getitem__, known)) / norm
            for b, w in zip(self.intercept, self.weights, strict=True)
        ]

    def sums(self, found: set[str]) -> complex:
        """For a binary model: the squared length (real) and the weight (imaginary)
        of the features it knows (the rest add 0)."""
        return sum(map(self._both, found, repeat(0j)), 0j)

    def decision(self, sums: complex) -> float:
        return self.intercept[0] + sums.imag / (math.sqrt(sums.real) or 1.0)


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


class RiskModel:
    def __init__(self, weights: dict[str, Any]) -> None:
        self.risk, self.kind = _Linear(weights["risk"]), _Linear(weights["kind"])
        self.urgent = _Linear(weights["urgent"])
        self.threshold, self.long_threshold = THRESHOLD, LONG_THRESHOLD
        self.urgent_threshold = URGENT_THRESHOLD
        self.fast = reader(self.risk)

    @staticmethod
    def _found(text: str | set[str]) -> set[str]:
        return text if isinstance(text, set) else set(features(text))

    def probability(self, text: str | set[str]) -> float:
        (z,) = self.risk.decisions(self._found(text))
        return _sigmoid(z)

    def urgency(self, text: str | set[str]) -> float:
        (z,) = self.urgent.decisions(self._found(text))
        return _sigmoid(z)

    def category(self, text: str | set[str]) -> str:
        scores = self.kind.decisions(self._found(text))
        return self.kind.classes[max(range(len(scores)), key=scores.__getitem__)]

    def _line(self, pieces: int) -> float:
        return self.threshold if pieces <= SHORT_PIECES else self.long_threshold

    def judge_text(
        self, norm: str, starts: list[int], sentences: Callable[[], list[str]]
    ) -> ModelVerdict | None:
        """`judge_units(sentences())` for a normalised text the model reads whole,
        its sentences starting at `starts` (nothing masked or denied): the pieces
        are counted from the sentences' spaces and the first look reads the text's
        words split once, so a text well below the line is never cut into sentence
        and piece strings. A text not spaced as the normaliser spaces it (one space
        between words, none at either end) is read the plain way."""
        if not norm or "  " in norm or norm[0] == " " or norm[-1] == " ":
            return self.judge_units(sentences())
        # Each sentence but the last ends in ". " (see engine._SENTENCE_END): its
        # spaces are its words; the last has one word more than spaces.
        last = len(starts) - 1
        ends: list[int] = []
        words = count = 0
        for i, a in enumerate(starts):
            n = norm.count(" ", a, starts[i + 1]) if i < last else norm.count(" ", a) + 1
            words += n
            count += n
            # units(): sentences joined until the piece has UNIT_WORDS words.
            if count >= UNIT_WORDS:
                ends.append(words)
                count = 0
        if count:
            ends.append(words)
        pieces = len(ends)
        if words - pieces < FIRST_LOOK_SPACES:
            return self.judge_units(sentences())
        whole = 2 < pieces <= SHORT_PIECES
        if (
            self.fast.largest_text(norm.split(" "), ends, whole)
            < line_z(self._line(pieces)) - MARGIN
        ):
            return None
        return self.judge_units(sentences(), first_look=False)

    def judge_units(self, sentences: list[str], first_look: bool = True) -> ModelVerdict | None:
        """The likeliest reading, if it crosses the line for a text of its length."""
        cut = units(sentences)
        if not cut:
            return None
        line = self._line(len(cut))
        # The whole text's readings in numpy first: most texts are well below the
        # line, and only those that may cross it are read exactly, below.
        texts = [u for _a, _b, u in cut]
        whole = 2 < len(cut) <= SHORT_PIECES
        # Below about 90 words numpy's fixed cost outweighs what it saves.
        if (
            first_look
            and sum(map(str.count, texts, repeat(" "))) >= FIRST_LOOK_SPACES
            and self.fast.largest(texts, whole) < line_z(line) - MARGIN
        ):
            return None
        parts = [(a, b, feature_set(text)) for a, b, text in cut]
        # Each piece's sums once; a piece with the next sums as both less what they
        # share (a few features), rather than summing their union again.
        risk = self.risk
        sums = [risk.sums(f) for _a, _b, f in parts]
        spans = [(a, b) for a, b, _f in parts]
        for i in range(len(parts) - 1):
            shared = parts[i][2] & parts[i + 1][2]
            sums.append(sums[i] + sums[i + 1] - (risk.sums(shared) if shared else 0j))
            spans.append((parts[i][0], parts[i + 1][1]))
        if 2 < len(parts) <= SHORT_PIECES:
            sums.append(risk.sums(set().union(*(f for _a, _b, f in parts))))
            spans.append((parts[0][0], parts[-1][1]))
        z = list(map(risk.decision, sums))
        # The sigmoid rises with z, so the likeliest reading's probability is that
        # of the largest z: most texts stop here, below the line.
        if _sigmoid(max(z)) < line:
            return None
        p, first, last = max(
            ((_sigmoid(d), a, b) for d, (a, b) in zip(z, spans, strict=True)), key=lambda r: r[0]
        )
        found = set().union(*(f for a, b, f in parts if first <= a and b <= last))
        urgent = self.urgency(found) >= self.urgent_threshold
        return ModelVerdict(p, self.category(found), urgent, first, last)


@lru_cache(maxsize=1)
def shipped() -> RiskModel:
    return RiskModel(orjson.loads(WEIGHTS.read_bytes()))
