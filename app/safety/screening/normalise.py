"""Text as the rules read it: one line of lower-case ASCII words and punctuation.

The steps undo the ways people write on a phone or disguise a word: Unicode
compatibility forms (NFKC), invisible characters (zero-width, soft hyphen),
look-alike Cyrillic and Greek letters, accents, curly apostrophes, missing
apostrophes ("dont"), digits for letters ("k1ll"), letters spaced out
("k i l l  m y s e l f"), stretched letters ("diiie") and one- or two-letter slips
("sucidal"). Every table and pattern is built once, at import.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from app.safety.screening.lexicon import (
    CONTRACTIONS,
    HOMOGLYPHS,
    LEET,
    SHORTHAND,
    SPELLING_TARGETS,
)


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(k): v for k, v in HOMOGLYPHS.items()}
    for quote in "\u2019\u2018\u02bc\u2032`\u00b4":
        table[ord(quote)] = "'"
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2212":
        table[ord(dash)] = "-"
    return table


_FOLD = _fold_table()
# Format characters (zero-width, soft hyphen, joiners, direction marks) vanish.
_INVISIBLE = re.compile(
    r"[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u206a-\u206f\ufeff\ufe00-\ufe0f]"
)
_CONTRACTION = re.compile("|".join(re.escape(a) for a, _ in CONTRACTIONS))
_CONTRACTED = dict(CONTRACTIONS)
# A letter, a dot/dash/star, a letter: "k.i.l.l", "s-u-i-c-i-d-e".
_SPELLED = re.compile(r"(?<![^\W\d_])([^\W\d_])[.\-_*](?=[^\W\d_](?![^\W\d_]))")
_TOKEN = re.compile(r"[a-z0-9@$]+(?:!+[a-z]+)*|[.!?;,:\n]")
_STRETCH = re.compile(r"([a-z])\1{2,}")
_BREAK = {"!": ".", "?": ".", ";": ".", "\n": ".", ":": ","}


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Unicode folding only: compatibility forms, look-alikes, invisibles, accents."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_FOLD).lower()
    text = _CONTRACTION.sub(lambda m: _CONTRACTED[m.group(0)], text)
    return _strip_accents(text).replace("'", "")


class Speller:
    """Restores a known word from a small slip: a one-edit (two for long words)
    Damerau distance to one of the screen's own target words, found through a
    SymSpell-style table of deletions built at import."""

    def __init__(self, targets: Iterable[str], known: Iterable[str]) -> None:
        self.known = frozenset(known)
        self.deletes: dict[str, set[str]] = {}
        self.prefixes = frozenset(t[:2] for t in targets)
        for word in targets:
            for variant in self._deletions(word, 2 if len(word) >= 7 else 1):
                self.deletes.setdefault(variant, set()).add(word)

    @staticmethod
    def _deletions(word: str, depth: int) -> set[str]:
        out = {word}
        frontier = {word}
        for _ in range(depth):
            frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
            out |= frontier
        return out

    def correct(self, token: str) -> str:
        if len(token) < 5 or token in self.known or token[:2] not in self.prefixes:
            return token
        return self._lookup(token)

    @lru_cache(maxsize=4096)  # noqa: B019 - one Speller for the process
    def _lookup(self, token: str) -> str:
        best, best_d = token, 3
        for variant in self._deletions(token, 1 if len(token) < 7 else 2):
            for word in self.deletes.get(variant, ()):
                limit = 2 if len(word) >= 7 else 1
                d = _osa(token, word)
                # Ties go to the first word in alphabetical order: the sets iterated
                # here have no stable order, and one text must read the same in
                # every process.
                if d <= limit and (d, word) < (best_d, best):
                    best, best_d = word, d
        return best


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein, adjacent swaps)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


class Normaliser:
    """Builds the rules' view of a text; `vocabulary` is every word the rules know."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        vocab = set(vocabulary) | set(SPELLING_TARGETS)
        for expansion in SHORTHAND.values():
            vocab.update(expansion.split())
        self.vocabulary = frozenset(vocab)
        self.speller = Speller(SPELLING_TARGETS, self.vocabulary)
        self._longest = max(len(w) for w in self.vocabulary)

    def text(self, raw: str) -> str:
        """The normalised text: tokens joined by single spaces."""
        return " ".join(self.tokens(raw))

    def tokens(self, raw: str) -> list[str]:
        folded = _SPELLED.sub(r"\1 ", fold(raw))
        words = [_BREAK.get(t, t) for t in _TOKEN.findall(folded)]
        words = self._join_spelled(words)
        out: list[str] = []
        for word in words:
            if word.isalpha() or not word[0].isalnum():
                out.append(self._word(word))
            else:
                out.append(self._word(self._unleet(word)))
        return " ".join(out).split(" ")

    def _word(self, word: str) -> str:
        if not word[0].isalpha():
            return word
        if _STRETCH.search(word):
            two = _STRETCH.sub(r"\1\1", word)
            one = _STRETCH.sub(r"\1", word)
            word = one if one in self.vocabulary and two not in self.vocabulary else two
        word = SHORTHAND.get(word, word)
        return self.speller.correct(word) if " " not in word else word

    def _unleet(self, word: str) -> str:
        if not any(c.isalpha() for c in word) or word[-1] in "!":
            return word
        if word.endswith(("s", "st", "nd", "rd", "th", "am", "pm", "k", "kg", "km", "kms")) and (
            word.rstrip("abcdefghijklmnopqrstuvwxyz").isdigit()
        ):
            return word  # "5kms", "3rd", "10am"
        if word in SHORTHAND:
            return word
        plain = "".join(LEET.get(c, c) for c in word)
        if plain in self.vocabulary or "1" not in word:
            return plain
        other = "".join("l" if c == "1" else LEET.get(c, c) for c in word)
        return other if other in self.vocabulary else plain

    def _join_spelled(self, words: list[str]) -> list[str]:
        """Join three or more single letters in a row and split them into known words."""
        out: list[str] = []
        run: list[str] = []
        for word in [*words, "."]:
            if len(word) == 1 and word.isalpha():
                run.append(word)
                continue
            if len(run) >= 3:
                out.extend(self._segment("".join(run)) or run)
            else:
                out.extend(run)
            run = []
            out.append(word)
        return out[:-1]

    def _segment(self, letters: str) -> list[str] | None:
        """The fewest known words that spell `letters`, or None."""
        best: list[list[str] | None] = [[]] + [None] * len(letters)
        for end in range(1, len(letters) + 1):
            for start in range(max(0, end - self._longest), end):
                head = best[start]
                piece = letters[start:end]
                if head is None or piece not in self.vocabulary:
                    continue
                cand = [*head, piece]
                current = best[end]
                if current is None or len(cand) < len(current):
                    best[end] = cand
        return best[len(letters)]
