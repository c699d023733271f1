"""The risk model's readings of a whole text at once, in numpy: a cheap first look
that says when no reading can cross the line, so the exact reading (model.py) runs
only for the few texts that may.

The same features as `features.feature_set`, built without a string per feature:
each word of the text becomes a number (one dict look-up per word, in C), a word
pair is a pair of numbers found in a sorted table, and a known word's five-letter
beginning is a property of the word, worked out at load. Each piece's distinct
features, their sums, and the sums of each piece with the next are array
operations over the whole text. The sums are the exact reading's up to the order
of addition, so a text is passed to the exact reading whenever its largest reading
comes within MARGIN of the line.
"""

import math
import operator
from itertools import repeat
from typing import Any

import numpy as np
import numpy.typing as npt

from app.safety.screening.features import _NEG, _PUNCT, PREFIX, marked_words

# Never a word of normalised text, which has no "|".
_SEPARATOR = "|"
_BEGINNING = operator.itemgetter(slice(0, PREFIX))
# Far above the rounding of a few hundred additions, far below any real difference.
MARGIN = 1e-6
Ints = npt.NDArray[np.int64]


class FastReader:
    def __init__(
        self, terms: list[str], square: dict[str, float], weight: dict[str, float], intercept: float
    ) -> None:
        index = {t: i for i, t in enumerate(terms)}
        words: dict[str, int] = {}

        def word(w: str) -> int:
            return words.setdefault(w, len(words))

        for t in terms:
            if " " in t:
                a, b = t.split(" ")
                word(a), word(b)
            elif not t.endswith("~"):
                word(t)
        for p in _PUNCT:
            word(p)
        self.separator = word(_SEPARATOR)
        self.words = words
        self.unknown = len(words)
        size = len(words) + 1
        # A feature the model does not know is the term `none`, whose figures are 0:
        # it adds nothing, and no array needs filtering.
        none = self.none = len(terms)
        self.uni = np.full(size, none, dtype=np.int64)
        self.pre = np.full(size, none, dtype=np.int64)
        for w, i in words.items():
            if w not in _PUNCT:
                self.uni[i] = index.get(w, none)
            if len(w) >= PREFIX and w[0] != "!":
                self.pre[i] = index.get(w[:PREFIX] + "~", none)
        # Five-letter beginnings without their "~", for the words not in `words`.
        self.beginnings = {t[:-1]: i for t, i in index.items() if t.endswith("~")}
        keys, values = [], []
        for t, i in index.items():
            if " " in t:
                a, b = t.split(" ")
                keys.append(words[a] * size + words[b])
                values.append(i)
        # A last key above every pair's, so a search never falls off the end.
        keys.append(size * size)
        values.append(none)
        order = np.argsort(keys)
        self.pair_keys = np.asarray(keys, dtype=np.int64)[order]
        self.pair_terms = np.asarray(values, dtype=np.int64)[order]
        self.size = size
        self.square = np.array([square[t] for t in terms] + [0.0])
        self.weight = np.array([weight[t] for t in terms] + [0.0])
        self.intercept = intercept

    def largest(self, units: list[str], whole: bool) -> float:
        """The largest decision over the readings model.RiskModel.judge_units makes
        of these pieces: each alone, each with the next, all of them when `whole`."""
        # The pieces' words in one list, a separator after each: no pair holds it,
        # and counting separators gives each word's piece.
        words: list[str] = []
        for unit in units:
            words += marked_words(unit)
            words.append(_SEPARATOR)
        return self.largest_words(words, len(units), whole)

    def largest_text(self, tokens: list[str], ends: list[int], whole: bool) -> float:
        """`largest` of the pieces `tokens[0:ends[0]]`, `tokens[ends[0]:ends[1]]`, …
        (the words of a text split once, not each piece's string split again)."""
        words: list[str] = []
        start = 0
        for end in ends:
            unit = tokens[start:end]
            # marked_words of the piece's string, which holds these words.
            words += unit if _NEG.isdisjoint(unit) else marked_words(" ".join(unit))
            words.append(_SEPARATOR)
            start = end
        return self.largest_words(words, len(ends), whole)

    def largest_words(self, words: list[str], pieces: int, whole: bool) -> float:
        """`largest` of the pieces' marked words, each piece followed by _SEPARATOR."""
        unknown, none = self.unknown, self.none
        ids = list(map(self.words.get, words, repeat(unknown)))
        a = np.fromiter(ids, dtype=np.int64, count=len(ids))
        # A separator counts itself: it belongs to the next piece, and has no feature.
        owner = np.cumsum(a == self.separator)
        parts = [self.uni[a], self.pre[a]]
        where = [owner, owner]
        if unknown in ids:
            # An unknown word's beginning may still be known ("matarlo": "matar~"):
            # five letters looked up in C (a shorter or negated word finds nothing).
            spots = np.flatnonzero(a == unknown)
            strange = list(map(words.__getitem__, spots.tolist()))
            found = list(map(self.beginnings.get, map(_BEGINNING, strange), repeat(none)))
            parts.append(np.fromiter(found, dtype=np.int64, count=len(found)))
            where.append(owner[spots])
        key = a[:-1] * self.size + a[1:]
        pos = np.searchsorted(self.pair_keys, key)
        parts.append(np.where(self.pair_keys[pos] == key, self.pair_terms[pos], none))
        where.append(owner[:-1])
        # Term-major codes, sorted and distinct: a feature of pieces p and p + 1 is two
        # neighbouring codes one apart.
        span = pieces + 1
        code = _distinct(np.concatenate(parts) * span + np.concatenate(where))
        term, piece = np.divmod(code, span)
        sq = np.bincount(piece, weights=self.square[term], minlength=span)[:pieces]
        wsum = np.bincount(piece, weights=self.weight[term], minlength=span)[:pieces]
        readings_sq, readings_w = [sq], [wsum]
        if pieces > 1:
            both = np.flatnonzero(np.diff(code) == 1)
            shared, at = term[both], piece[both]
            shared_sq = np.bincount(at, weights=self.square[shared], minlength=span)
            shared_w = np.bincount(at, weights=self.weight[shared], minlength=span)
            readings_sq.append(sq[:-1] + sq[1:] - shared_sq[: pieces - 1])
            readings_w.append(wsum[:-1] + wsum[1:] - shared_w[: pieces - 1])
        if whole:
            distinct = _distinct(term)
            readings_sq.append(np.array([self.square[distinct].sum()]))
            readings_w.append(np.array([self.weight[distinct].sum()]))
        s = np.concatenate(readings_sq)
        norm = np.sqrt(s)
        norm[norm == 0] = 1.0
        return float(self.intercept + (np.concatenate(readings_w) / norm).max())


def _distinct(values: Ints) -> Ints:
    """The sorted distinct values (np.unique without its overhead)."""
    if len(values) < 2:
        return values
    values = np.sort(values)
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def line_z(p: float) -> float:
    """The decision at which the sigmoid reaches `p`."""
    return math.log(p / (1 - p))


def reader(linear: Any) -> FastReader:
    both = linear.both  # a binary model: idf squared + weight j per term
    square = {t: b.real for t, b in both.items()}
    weight = {t: b.imag for t, b in both.items()}
    return FastReader(sorted(both), square, weight, linear.intercept[0])
