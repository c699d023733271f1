"""Literal strings a pattern cannot match without: a cheap test that skips a rule
before its regular expression runs over the text.

Worked out from the pattern's parse tree: every match of a sequence contains each of
its parts, so a sequence needs what its most selective part needs; an alternation
needs one of what its branches need; an optional part needs nothing. Lookarounds
and character classes add nothing. When no literal is certain the rule always runs.
"""

from collections.abc import Sequence
from importlib import import_module
from typing import Any

# The standard library's own regex parser (typeshed does not describe it).
P: Any = import_module("re._parser")
C: Any = import_module("re._constants")

Needles = frozenset[str]


def needles(pattern: str) -> Needles | None:
    """Strings one of which every match contains, or None when none is certain."""
    return _sequence(P.parse(pattern))


def _score(s: Needles) -> tuple[int, float]:
    # The most selective: the longest shortest needle, then the longest on average.
    return (min(len(n.strip()) for n in s), sum(len(n) for n in s) / len(s))


def _sequence(items: Any) -> Needles | None:
    candidates: list[Needles] = []
    run = ""
    for op, av in items:
        if op is C.LITERAL:
            run += chr(av)
            continue
        if len(run.strip()) >= 2:
            candidates.append(frozenset([run]))
        run = ""
        sub = _node(op, av)
        if sub:
            candidates.append(sub)
    if len(run.strip()) >= 2:
        candidates.append(frozenset([run]))
    return max(candidates, key=_score) if candidates else None


def _node(op: Any, av: Any) -> Needles | None:
    if op is C.SUBPATTERN:
        return _sequence(av[3])
    if op is C.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            got = _sequence(alt)
            if not got:
                return None
            out |= got
        return frozenset(out)
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(sub) if low >= 1 else None
    return None


def present(found: Needles | None, text: str) -> bool:
    return found is None or any(n in text for n in found)


GRAM = 4


def grams(text: str) -> set[str]:
    """Every run of GRAM characters in the text: built once per text."""
    return {text[i : i + GRAM] for i in range(len(text) - GRAM + 1)}


class Gates:
    """Which rules may match a text, found without running their patterns.

    A rule's long needles are looked up by their first GRAM characters in the
    text's set of runs (one set intersection for all rules), its short ones with
    `in`; only a candidate's needles are then searched for in full."""

    def __init__(self, all_needles: Sequence[Needles | None]) -> None:
        self.always = frozenset(i for i, n in enumerate(all_needles) if n is None)
        self.short: dict[str, set[int]] = {}
        self.by_key: dict[str, list[tuple[int, str]]] = {}
        for i, found in enumerate(all_needles):
            for n in found or ():
                if len(n) < GRAM:
                    self.short.setdefault(n, set()).add(i)
                else:
                    self.by_key.setdefault(n[:GRAM], []).append((i, n))
        self.keys = frozenset(self.by_key)

    def open(self, text: str) -> set[int]:
        """Indexes of the rules one of whose needles is in `text`."""
        out = set(self.always)
        for n, rules in self.short.items():
            if n in text:
                out |= rules
        for key in self.keys.intersection(grams(text)):
            for i, n in self.by_key[key]:
                if i not in out and n in text:
                    out.add(i)
        return out
