"""The risk-phrase screen: a screen, not a diagnosis (see docs/safety.md).

`matched_phrases(text)` lists the phrases of `phrases.json` found in the text:
case-insensitive, whole words only, after Unicode (NFKC) normalisation, with any
apostrophe, any dash and any run of spaces treated alike. A "clause-end" phrase
matches only before punctuation or the end of the text.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        **dict.fromkeys(map(chr, (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212)), "-"),
    }
)
_CLAUSE_END = r"(?=\s*(?:[.!?,;:)\u2026-]|$))"


@cache
def phrase_data() -> dict[str, list[str]]:
    text = resources.files("app.safety").joinpath("phrases.json").read_text(encoding="utf-8")
    data = json.loads(text)
    keys = ("phrases", "clause_end_phrases", "positives", "near_misses")
    return {k: list(data.get(k, [])) for k in keys}


def _alternatives(phrases: list[str]) -> str:
    # Longest first, so "killing myself" wins over a shorter overlapping phrase.
    ordered = sorted((normalise(p).lower() for p in phrases), key=len, reverse=True)
    return "|".join(re.sub(r"\\[ \-]", r"[\\s-]+", re.escape(p)) for p in ordered)


@cache
def _pattern() -> re.Pattern[str]:
    data = phrase_data()
    anywhere = rf"(?<![\w'])(?:{_alternatives(data['phrases'])})(?![\w'])"
    clause = rf"(?<![\w'])(?:{_alternatives(data['clause_end_phrases'])})(?![\w']){_CLAUSE_END}"
    return re.compile(f"{anywhere}|{clause}", re.IGNORECASE | re.MULTILINE)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def matched_phrases(text: str) -> list[str]:
    """The risk phrases found in `text`, lower-cased, without duplicates."""
    found = {m.group(0).lower() for m in _pattern().finditer(normalise(text))}
    return sorted(re.sub(r"[\s-]+", " ", f) for f in found)


@dataclass(frozen=True)
class ScreenHit:
    """Why a text was flagged: a category and the rule that fired, never the text."""

    category: str
    rule: str


def screen_text(text: str) -> ScreenHit | None:
    """The screen's verdict on one text: a hit, or None when nothing suggests risk."""
    if not matched_phrases(text):
        return None
    return ScreenHit(category="ideation", rule="phrase_list")
