"""Literal strings a pattern cannot match without: a cheap test that skips a rule
before its regular expression runs over the text.

Worked out from the pattern's parse tree: every match of a sequence contains each of
its parts, so a sequence needs what its most selective part needs; an alternation
needs one of what its branches need; an optional part needs nothing. Lookarounds
and character classes add nothing. When no literal is certain the rule always runs.

All rules' needles sit in one Aho-Corasick automaton: one pass over the text, in
C, says which rules may match and where.
"""

from collections.abc import Sequence
from importlib import import_module
from typing import Any

import ahocorasick  # type: ignore[import-not-found]  # no stubs published

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


class Gates:
    """Which rules may match a text, and where their needles are, in one pass."""

    def __init__(self, all_needles: Sequence[Needles | None]) -> None:
        self.always = frozenset(i for i, n in enumerate(all_needles) if n is None)
        owners: dict[str, list[int]] = {}
        for i, found in enumerate(all_needles):
            for n in found or ():
                owners.setdefault(n, []).append(i)
        self.automaton = ahocorasick.Automaton()
        for n, rules in owners.items():
            self.automaton.add_word(n, (len(n), tuple(rules)))
        self.automaton.make_automaton()

    def hits(self, text: str) -> dict[int, list[int]]:
        """For each rule one of whose needles is in `text`, where those needles start."""
        out: dict[int, list[int]] = {}
        for end, (length, rules) in self.automaton.iter(text):
            for i in rules:
                out.setdefault(i, []).append(end - length + 1)
        return out

    def open(self, text: str) -> set[int]:
        """Indexes of the rules that may match `text`."""
        return set(self.always) | set(self.hits(text))
