"""Staff names a patient can trust (UTS #39): no invisible or direction-changing
characters, one script (or a combination a real name uses), and unique by their
confusable skeleton, so "Dr. Rivera" with a Cyrillic e (U+0435) is the same name."""

import json
import unicodedata
from functools import cache
from importlib.resources import files

from confusable_homoglyphs import categories

from app.accounts.errors import DisplayNameMixedScript, DisplayNameUnsafe

# Combinations UTS #39's "highly restrictive" profile allows beside a single script.
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_NEUTRAL = frozenset({"COMMON", "INHERITED"})
_MARKS = ("\u200e", "\u200f")


@cache
def _prototypes() -> dict[str, str]:
    """Each confusable character -> one representative of its class (the lowest code
    point among the characters confusable with it), from Unicode's confusables data."""
    raw = files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for char, glyphs in json.loads(raw).items():
        a = char.strip("".join(_MARKS))
        for glyph in glyphs:
            b = glyph["c"].strip("".join(_MARKS))
            if len(a) == 1 and len(b) == 1:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return {c: find(c) for c in parent}


def _map(text: str) -> str:
    table = _prototypes()
    return "".join(table.get(c, c) for c in text)


def skeleton(name: str) -> str:
    """NFKC, case folded, then the confusable skeleton, spacing aside."""
    text = _map(unicodedata.normalize("NFKC", name).casefold())
    return " ".join(text.split())[:480]


def skeletons(name: str) -> frozenset[str]:
    """The skeleton of the name as written, and case folded: "HoImes" (capital i) and
    "Holmes" look alike only before folding, "DR. RIVERA" and "Dr. Rivera" after it.
    Two names look alike when their sets meet."""
    raw = " ".join(_map(unicodedata.normalize("NFKC", name)).casefold().split())[:480]
    return frozenset({skeleton(name), _map(raw)})


def check_staff_name(name: str) -> None:
    """Refuse what could make one name pass for another."""
    for c in name:
        if unicodedata.category(c) in ("Cf", "Cc", "Co", "Cs", "Cn") or c in "\u2028\u2029":
            raise DisplayNameUnsafe()
    scripts = categories.unique_aliases(unicodedata.normalize("NFKC", name)) - _NEUTRAL
    if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES):
        raise DisplayNameMixedScript()
