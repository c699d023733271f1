"""The risk-phrase screen: a screen, not a diagnosis (see docs/safety.md)."""

import json
import re
from functools import cache
from importlib import resources

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@cache
def phrase_data() -> dict[str, list[str]]:
    text = resources.files("app.safety").joinpath("phrases.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return {"phrases": list(data["phrases"]), "near_misses": list(data["near_misses"])}


@cache
def _pattern() -> re.Pattern[str]:
    phrases = sorted(phrase_data()["phrases"], key=len, reverse=True)
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![\w'])(?:{alternatives})(?![\w'])", re.IGNORECASE)


def normalise(text: str) -> str:
    return text.translate(_APOSTROPHES)


def matched_phrases(text: str) -> list[str]:
    """The risk phrases found in `text`, lower-cased, without duplicates."""
    found = {m.group(0).lower() for m in _pattern().finditer(normalise(text))}
    return sorted(re.sub(r"\s+", " ", f) for f in found)
