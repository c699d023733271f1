"""The screen's rules, loaded from the TOML files under tables/ and compiled once."""

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from app.safety.screening.needles import Needles, needles

RULE_FILES = ("rules_en.toml", "rules_es.toml")
CATEGORIES = ("plan", "behaviour", "ideation", "harm_to_others", "ideation_passive")
LEVELS = ("urgent", "review")
# The tier a category's rules give, unless a rule says otherwise (`level` in its table):
# plans, preparation, recent behaviour and harm to others page now; thoughts go to review.
CATEGORY_LEVEL = {
    "plan": "urgent",
    "behaviour": "urgent",
    "harm_to_others": "urgent",
    "ideation": "review",
    "ideation_passive": "review",
}
_MACRO = re.compile(r"%([A-Z]+)%")
_MACRO_DEPTH = 4


@dataclass(frozen=True)
class Rule:
    """One pattern: its stable id, its category and how context may clear it."""

    id: str
    category: str
    pattern: re.Pattern[str]
    self_ref: bool  # names the writer: another person or a topic does not clear it
    soft: bool  # psychedelic context clears it
    anaphoric: bool  # counts only where another rule matched in the same text
    level: str  # urgent | review
    needles: Needles | None  # strings one of which every match holds


def read_data(name: str) -> dict[str, object]:
    text = resources.files("app.safety.screening").joinpath("tables", name).read_text("utf-8")
    return tomllib.loads(text)


def expand(pattern: str, macros: dict[str, str]) -> str:
    """Macros may name macros (HARMOTHER holds %PERSON%): expanded until none is left."""
    for _ in range(_MACRO_DEPTH):
        if not _MACRO.search(pattern):
            return pattern
        pattern = _MACRO.sub(lambda m: macros[m.group(1)], pattern)
    raise ValueError(f"macros nested deeper than {_MACRO_DEPTH}: {pattern[:80]}")


@cache
def load_rules() -> tuple[Rule, ...]:
    macros = {k: str(v) for k, v in read_data("macros.toml").items()}
    rules: list[Rule] = []
    for name in RULE_FILES:
        entries = read_data(name).get("rule", [])
        if not isinstance(entries, list):
            raise TypeError(f"{name}: rules are [[rule]] tables")
        for entry in entries:
            category = entry["category"]
            if category not in CATEGORIES:
                raise ValueError(f"{entry['id']}: unknown category {category!r}")
            pattern = expand(entry["pattern"], macros)
            level = entry.get("level", CATEGORY_LEVEL[category])
            if level not in LEVELS:
                raise ValueError(f"{entry['id']}: unknown level {level!r}")
            rules.append(
                Rule(
                    id=entry["id"],
                    category=category,
                    pattern=re.compile(pattern),
                    needles=needles(pattern),
                    self_ref=bool(entry.get("self", False)),
                    soft=bool(entry.get("soft", False)),
                    anaphoric=bool(entry.get("anaphoric", False)),
                    level=level,
                )
            )
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise ValueError("rule ids must be unique")
    return tuple(rules)


def vocabulary() -> set[str]:
    """Every literal word in the rules and context files: what spaced letters may spell."""
    words: set[str] = set()
    texts = [read_data(n) for n in (*RULE_FILES, "macros.toml", "context.toml", "cues.toml")]
    for data in texts:
        _collect(data, words)
    return {w for w in words if len(w) > 1} | {"i", "a", "y", "o"}


def _collect(node: object, words: set[str]) -> None:
    if isinstance(node, str):
        # Strip regex syntax, then keep the plain words.
        words.update(re.findall(r"(?<![\\?])\b[a-z]{2,}\b", node.replace("\\b", " ")))
    elif isinstance(node, dict):
        for value in node.values():
            _collect(value, words)
    elif isinstance(node, list):
        for value in node:
            _collect(value, words)
