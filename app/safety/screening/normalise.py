"""Text as the rules read it: one line of lower-case ASCII words and punctuation.

The steps undo the ways people write on a phone or disguise a word: Unicode
compatibility forms (NFKC), invisible characters (zero-width, soft hyphen),
look-alike Cyrillic and Greek letters, accents, curly apostrophes, missing
apostrophes ("dont"), digits for letters ("k1ll"), letters spaced out
("k i l l  m y s e l f"), stretched letters ("diiie") and one- or two-letter slips
("sucidal"). Every table and pattern is built once, at import.

Bounded: the text is rewritten by whole-string regular expressions, and only the
few tokens that may need more (digits, stretched letters, shorthand, a spelling
candidate) reach Python code. Tokens are cut at MAX_TOKEN letters, spelling skips
tokens longer than its longest target plus two, and at most MAX_LOOKUPS tokens of
a text are looked up, so time is linear in the text and memory is fixed.
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import filterfalse

from app.safety.screening.lexicon import (
    CONTRACTIONS,
    HOMOGLYPHS,
    LEET,
    NEAR_TARGETS,
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
_INVISIBLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x206A, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFE00, 0xFE0F),
)
# Both in one pass (no look-alike maps to or from an invisible character): a
# regular expression finds the few characters to change, and only those reach Python.
_FOLD_VISIBLE: dict[int, str] = {
    **{k: v or "" for k, v in _FOLD.items()},
    **{c: "" for a, b in _INVISIBLE for c in range(a, b + 1)},
}
_TO_FOLD = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD_VISIBLE)) + "]")


def _fold_one(m: re.Match[str]) -> str:
    return _FOLD_VISIBLE[ord(m.group())]


_CONTRACTION = re.compile("|".join(re.escape(a) for a, _ in CONTRACTIONS))
_CONTRACTED = dict(CONTRACTIONS)
# A letter, a dot/dash/star, a letter: "k.i.l.l", "s-u-i-c-i-d-e".
# Starts with the separator, so the engine scans for it instead of trying every letter.
_SPELLED = re.compile(r"[.\-_*](?<=(?<![^\W\d_])[^\W\d_][.\-_*])(?=[^\W\d_](?![^\W\d_]))")
# A token is at most MAX_TOKEN characters: a longer run is cut into pieces, so no
# pattern downstream ever backtracks over an unbounded word.
MAX_TOKEN = 40
MAX_LOOKUPS = 48
MAX_SEEN = 2048
MAX_PLAIN = 8192
_TOKEN = re.compile(r"[a-z0-9@$]{1,40}(?:!{1,3}[a-z]{1,40}){0,2}|[.!?;,:\n]")
_STRETCH = re.compile(r"([a-z])\1{2,}")
# A "!" standing alone ends a sentence; one inside a token ("k!ll") does not.
# Each pattern run over the whole text starts with a literal character, so the
# engine scans for that character instead of trying the pattern at every position.
_STOP = re.compile(r"!(?<=(?<!\S)!)(?!\S)")
_LETTER_HINT = re.compile(r" [a-z] [a-z] [a-z] ")
# Digits or symbols in a token, or a letter three times: the token may change.
_ODD_HINT = re.compile(r"[0-9@$!]|([a-z])\1\1")
_ODD_CHARS = "0123456789@$!"
_TRIPLE = re.compile(r"([a-z])\1\1")
# "Suicidal thoughts? No." : a short answer joins its question, so it negates it.
_ANSWER = re.compile(
    r"\?(?<=(?<!\S)\?) (?=(?:no|nope|none|never|not really|not at all|not once|nunca"
    r"|ninguno|ninguna"
    r"|nada|para nada|jamas)(?: [.,]|$))"
)
_LETTER_RUN = re.compile(r"(?<!\S)[a-z](?: [a-z]){2,}(?!\S)")


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _plain(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# The accented Latin letters ("á", "ñ", "ü"), each to its letters without marks: one
# expression replaces the few in a text, and only a text with other characters
# outside ASCII left is decomposed whole. Marks are removed whatever their order,
# so a letter at a time gives what the whole text does.
_LATIN = {chr(c): _plain(chr(c)) for c in range(0xC0, 0x250) if _plain(chr(c)) != chr(c)}
_ACCENTED = re.compile("[" + "".join(sorted(_LATIN)) + "]")


def _unaccent(m: re.Match[str]) -> str:
    return _LATIN[m.group()]


# The lower-case accented letters of Spanish and its neighbours, each replaced by
# str.replace (a scan in C over a text stored a byte a character): a callback per
# letter from the expression below cost more than all of these scans.
_COMMON = tuple((c, _LATIN[c]) for c in "áéíóúñüàèìòùâêîôûäëïöçãõ")


def _strip_accents(text: str) -> str:
    for accented, plain in _COMMON:
        if accented in text:
            text = text.replace(accented, plain)
    if text.isascii():
        return text
    text = _ACCENTED.sub(_unaccent, text)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    # The text's distinct characters are looked at, not each one in turn, and the
    # marks found are removed by one regular expression (str.translate looks up
    # every character of a non-ASCII text in Python).
    marks = "".join(sorted(c for c in set(decomposed) if unicodedata.combining(c)))
    return _marks(marks).sub("", decomposed) if marks else decomposed


@lru_cache(maxsize=256)
def _marks(marks: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(marks)}]")


def _expand(text: str) -> str:
    """_CONTRACTION.sub(...) by str.replace, in CONTRACTIONS' order: "can't" and
    "won't" before the "n't" inside them, as the leftmost match takes them; no two
    other contractions overlap (each other one starts with its own "'x"), and none
    is written back, so each replacement finds what the expression finds."""
    if "'" not in text:
        return text
    for contracted, expanded in CONTRACTIONS:
        if contracted in text:
            text = text.replace(contracted, expanded)
    return text


def fold(text: str) -> str:
    """Unicode folding only: compatibility forms, look-alikes, invisibles, accents."""
    if text.isascii():  # most entries: none of the Unicode steps can change them
        text = text.lower().replace("`", "'")
        if "'" in text:
            text = _expand(text).replace("'", "")
        return text
    text = _TO_FOLD.sub(_fold_one, unicodedata.normalize("NFKC", text)).lower()
    text = _expand(text)
    return _strip_accents(text).replace("'", "")


class Speller:
    """Restores a known word from a small slip: a one-edit (two for long words)
    Damerau distance to one of the screen's own target words, found through a
    SymSpell-style table of deletions built at import."""

    def __init__(self, targets: Iterable[str], known: Iterable[str]) -> None:
        self.known = frozenset(known)
        self.deletes: dict[str, set[str]] = {}
        self.prefixes = frozenset(t[:2] for t in targets)
        # A token longer than this is no slip of a target: never looked up.
        self.longest = max(len(t) for t in targets) + 2
        for word in targets:
            for variant in self._deletions(word, 2 if len(word) >= 7 else 1):
                self.deletes.setdefault(variant, set()).add(word)
        # candidate() over space-separated words not known, in one scan.
        self.candidates = re.compile(
            "(?<![^ ])(?:"
            + "|".join(sorted(map(re.escape, self.prefixes)))
            + f")[^ ]{{3,{self.longest - 2}}}(?![^ ])"
        )

    @staticmethod
    def _deletions(word: str, depth: int) -> set[str]:
        out = {word}
        frontier = {word}
        for _ in range(depth):
            frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
            out |= frontier
        return out

    def candidate(self, token: str) -> bool:
        return (
            5 <= len(token) <= self.longest
            and token[:2] in self.prefixes
            and token not in self.known
        )

    def correct(self, token: str) -> str:
        return self._lookup(token) if self.candidate(token) else token

    @lru_cache(maxsize=4096)  # noqa: B019 - one Speller for the process, short keys
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


# _TOKEN's characters kept, a newline held as \x01 (split() would take it for a
# space), everything else a space: for ASCII text without "!".
_KEEP = bytes(
    c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789@$.?;,:" else 1 if c == 10 else 32
    for c in range(256)
)
_PUNCTUATION = tuple(c.encode() for c in ".,?;:\x01")


def _tokens(folded: str) -> str:
    """`_TOKEN`'s tokens joined by single spaces. Without "!" (whose rules depend on
    what is next to it) and in ASCII, a token is a run of letters, digits, "@" and
    "$", or one punctuation mark: bytes.translate, a few str.replace scans and one
    split in C find the same tokens as the expression, which is tried at every
    character. A run longer than MAX_TOKEN is cut by the expression."""
    if "!" in folded or not folded.isascii():
        return " ".join(_TOKEN.findall(folded))
    data = folded.encode("ascii").translate(_KEEP)
    for mark in _PUNCTUATION:
        if mark in data:
            data = data.replace(mark, b" " + mark + b" ")
    tokens = data.split()
    if tokens and len(max(tokens, key=len)) > MAX_TOKEN:
        return " ".join(_TOKEN.findall(folded))
    text = b" ".join(tokens).decode("ascii")
    return text.replace("\x01", "\n") if "\x01" in text else text


def _replace_tokens(text: str, changed: dict[str, str]) -> str:
    """Each whole token of `text` that is a key of `changed` replaced by its value.

    A few str.replace calls over the text instead of a look-up per token: a token
    is bounded by spaces, and a second pass catches a token whose leading space the
    previous replacement took. Done token by token when a replacement is empty or
    holds a token that is itself replaced (a second pass would change it again),
    or the empty token is."""
    keys = changed.keys()
    if "" in keys or any(not v or not keys.isdisjoint(v.split(" ")) for v in changed.values()):
        tokens = text.split(" ")
        return " ".join(map(changed.get, tokens, tokens))
    padded = f" {text} "
    for w, v in changed.items():
        w, v = f" {w} ", f" {v} "
        padded = padded.replace(w, v).replace(w, v)
    return padded[1:-1]


class Normaliser:
    """Builds the rules' view of a text; `vocabulary` is every word the rules know."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        vocab = set(vocabulary) | set(SPELLING_TARGETS)
        for expansion in SHORTHAND.values():
            vocab.update(expansion.split())
        self.vocabulary = frozenset(vocab)
        self.speller = Speller(SPELLING_TARGETS, self.vocabulary | set(NEAR_TARGETS))
        self._longest = max(len(w) for w in self.vocabulary)
        self._shorthand = frozenset(SHORTHAND)
        # What a spelling candidate became, and whether it used a look-up: most are
        # ordinary words ("despues", "together") met again and again.
        self._seen: dict[str, tuple[str, int]] = {}
        # Unknown words met before that are neither odd nor a spelling candidate.
        self._plain: set[str] = set()
        if any(_ODD_HINT.search(w) for w in self.vocabulary):
            raise ValueError("no known word may hold a digit, a symbol or a letter thrice")

    def text(self, raw: str) -> str:
        """The normalised text: tokens joined by single spaces."""
        folded = fold(raw)
        folded = _SPELLED.sub(" ", folded)
        text = _tokens(folded)
        if "?" in text:
            text = _ANSWER.sub("", text)
        # A few str.replace scans (each skips ahead to its character) beat
        # str.translate, which looks up every character.
        text = text.replace("?", ".").replace(";", ".").replace("\n", ".").replace(":", ",")
        if "!" in text:
            text = _STOP.sub(".", text)
        if _LETTER_HINT.search(f" {text} "):
            text = _LETTER_RUN.sub(self._join_run, text)
        changed = self._changes(text)
        if not changed:
            return text
        return _replace_tokens(text, changed)

    def _changes(self, text: str) -> dict[str, str]:
        """What each distinct token that may change becomes; most tokens are left as
        they are, and finding them takes set operations, not a loop over the text."""
        distinct = set(text.split(" "))
        odd = distinct & self._shorthand
        # No known word has a digit, a symbol or a letter three times (checked at
        # import), so only the unknown words are looked at for those.
        strange = distinct - self.vocabulary
        # Whether a word is odd or a spelling candidate is the word's own property:
        # one found to be neither before (most words of a journal) is not searched.
        strange -= self._plain
        unknown = " ".join(strange)
        if _TRIPLE.search(unknown):
            odd.update(w for w in strange if _ODD_HINT.search(w))
        elif any(c in unknown for c in _ODD_CHARS):
            # No letter three times: only words with a digit or symbol, none all letters.
            odd.update(w for w in filterfalse(str.isalpha, strange) if _ODD_HINT.search(w))
        candidates = sorted(self.speller.candidates.findall(unknown))
        plain = strange - odd
        plain.difference_update(candidates)
        if len(self._plain) + len(plain) > MAX_PLAIN:
            self._plain.clear()
        self._plain |= plain
        budget = [MAX_LOOKUPS]
        out = {w: self._token(w, budget) for w in sorted(odd)}
        seen = self._seen
        for w in candidates[:MAX_LOOKUPS]:
            if w in out:
                continue
            before = budget[0]
            # The budget is read once, by _word: with some left, a candidate becomes
            # what it became before and uses what it used.
            known = seen.get(w) if before > 0 else None
            if known is not None:
                out[w], used = known
                budget[0] -= used
                continue
            out[w] = self._token(w, budget)
            if before > 0:
                if len(seen) >= MAX_SEEN:
                    seen.clear()
                seen[w] = (out[w], before - budget[0])
        return {k: v for k, v in out.items() if k != v}

    def tokens(self, raw: str) -> list[str]:
        return self.text(raw).split(" ")

    def _token(self, word: str, budget: list[int]) -> str:
        if not (word.isalpha() or not word[0].isalnum()):
            word = self._unleet(word)
        return self._word(word, budget)

    def _word(self, word: str, budget: list[int]) -> str:
        if not word[0].isalpha():
            return word
        if _STRETCH.search(word):
            two = _STRETCH.sub(r"\1\1", word)
            one = _STRETCH.sub(r"\1", word)
            word = one if one in self.vocabulary and two not in self.vocabulary else two
        word = SHORTHAND.get(word, word)
        if " " in word or not self.speller.candidate(word) or budget[0] <= 0:
            return word
        budget[0] -= 1
        return self.speller.correct(word)

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

    def _join_run(self, m: re.Match[str]) -> str:
        """Three or more single letters in a row, split into known words if they spell them."""
        run = m.group(0)
        if len(run) > 400:  # no one spells a sentence out letter by letter
            return run
        return " ".join(self._segment(run.replace(" ", "")) or run.split(" "))

    def _segment(self, letters: str) -> list[str] | None:
        """The fewest known words that spell `letters`, or None (linear: bounded word length)."""
        n = len(letters)
        count: list[int | None] = [0] + [None] * n
        back = [0] * (n + 1)
        for end in range(1, n + 1):
            for start in range(max(0, end - self._longest), end):
                c = count[start]
                if c is None or letters[start:end] not in self.vocabulary:
                    continue
                if count[end] is None or c + 1 < count[end]:  # type: ignore[operator]
                    count[end], back[end] = c + 1, start
        if count[n] is None:
            return None
        out: list[str] = []
        end = n
        while end > 0:
            out.append(letters[back[end] : end])
            end = back[end]
        return out[::-1]
