"""Literal strings a pattern cannot match without: a cheap test that skips a rule
before its regular expression runs over the text.

Worked out from the pattern's parse tree: every match of a sequence contains each of
its parts, so a sequence needs what its most selective part needs; an alternation
needs one of what its branches need; an optional part needs nothing. Lookarounds
and character classes add nothing. When no literal is certain the rule always runs.

All rules' needles sit in one Aho-Corasick automaton: one pass over the text, in
C, says which rules may match and where.
"""

import re
from collections.abc import Iterator, Sequence
from importlib import import_module
from typing import Any

import ahocorasick  # type: ignore[import-not-found]  # no stubs published

# The standard library's own regex parser (typeshed does not describe it).
P: Any = import_module("re._parser")
C: Any = import_module("re._constants")

Needles = frozenset[str]
MAX_PICKED = 1024


def needles(pattern: str) -> Needles | None:
    """Strings one of which every match contains, or None when none is certain."""
    return _sequence(P.parse(pattern))


def needle_groups(pattern: str, most: int = 2) -> list[Needles]:
    """Up to `most` sets of strings such that every match holds one string of each
    set, the most selective first; empty when none is certain."""
    groups = sorted(set(_groups(P.parse(pattern))), key=_score, reverse=True)
    # A further group of short, common strings ("the", "la") would cost the scan
    # more than it saves.
    return groups[:1] + [g for g in groups[1:most] if _score(g)[0] >= 4]


_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)


def _parts(items: Any, nested: bool, lead: bool = False, trail: bool = False) -> Iterator[Needles]:
    """The needles of a sequence's parts: each literal run of two or more characters,
    and what each other part needs; `nested` opens groups and required repeats into
    their own parts instead of one alternative for the whole.

    `lead` and `trail` say that the sequence is preceded or followed by a space or a
    word boundary (\\b): a run that starts or ends with a word's letter there holds
    the space beside it (`scan_text` has a space at every word boundary), so "is"
    in `\\bis\\b` does not open a rule for "this"."""
    items = list(items)
    last = len(items) - 1
    run = ""
    for k, (op, av) in enumerate(items):
        before = _ends_spaced(items, k - 1, lead)
        after = trail if k == last else _starts_spaced(items[k + 1])
        if op is C.LITERAL:
            if not run and before and _word(av):
                run = " "
            run += chr(av)
            if after and _word(av) and (k == last or items[k + 1][0] is not C.LITERAL):
                run += " "
            continue
        if run and op is C.BRANCH and (heads := _heads(av[1])):
            # The parser factors "date|day" into "da(?:te|y)": the run goes on into
            # each alternative's first letters.
            run_on = frozenset(run + h for h in heads)
            if min(len(n.strip()) for n in run_on) >= 2:
                yield run_on
        elif len(run.strip()) >= 2:
            yield frozenset([run])
        run = ""
        if nested and op is C.SUBPATTERN:
            yield from _parts(av[3], nested, before, after)
        elif nested and op in _REPEATS:
            if av[0] >= 1:
                yield from _parts(av[2], nested)
        elif sub := _node(op, av, before, after):
            yield sub
    if len(run.strip()) >= 2:
        yield frozenset([run])


def _heads(alternatives: Any) -> list[str]:
    """Each alternative's leading literal characters; empty when one has none."""
    heads = []
    for alt in alternatives:
        head = ""
        for op, av in alt:
            if op is not C.LITERAL:
                break
            head += chr(av)
        if not head:
            return []
        heads.append(head)
    return heads


def _spaced(item: Any) -> bool:
    return bool(item == (C.AT, C.AT_BOUNDARY) or item == (C.LITERAL, ord(" ")))


def _ends_spaced(items: Any, k: int, lead: bool) -> bool:
    """Whether what items[: k + 1] match always ends at a space or a word boundary
    (`lead` says so of what comes before items[0]): "(?:just )?end" is " end"."""
    if k < 0:
        return lead
    op, av = items[k]
    if _spaced(items[k]):
        return True
    if op is C.SUBPATTERN:
        content = list(av[3])
        return _ends_spaced(content, len(content) - 1, _ends_spaced(items, k - 1, lead))
    if op is C.BRANCH:
        before = _ends_spaced(items, k - 1, lead)
        return all(_ends_spaced(list(alt), len(alt) - 1, before) for alt in av[1])
    if op in _REPEATS:
        low, _high, sub = av
        sub = list(sub)
        inner = _ends_spaced(sub, len(sub) - 1, False)
        return inner and (low >= 1 or _ends_spaced(items, k - 1, lead))
    return False


def _starts_spaced(item: Any) -> bool:
    """Whether what follows a match of the items before `item` is always a space or a
    word boundary, the end of the text included: \\b, " ", or a lookahead such
    as "(?=$| [.,]| again)"."""
    op, av = item
    if _spaced(item):
        return True
    if op is C.ASSERT and av[0] == 1:
        content = list(av[1])
        if not content:
            return False
        first = content[0]
        if first[0] is C.BRANCH:
            return all(alt and _space_or_end(alt[0]) for alt in first[1][1])
        return _space_or_end(first)
    return False


def _space_or_end(item: Any) -> bool:
    return bool(_spaced(item) or item == (C.AT, C.AT_END))


def _word(c: int) -> bool:
    return chr(c).isalnum() or c == ord("_")


# The normalised text's non-word characters other than the space, "." and ","
# (which always stand between spaces): inside a token ("k!ll", "@", "$").
_NON_WORD = str.maketrans("!@$", "   ")


def scan_text(text: str) -> str:
    """The text a needle is looked for in: padded with a space at each end, and each
    non-word character inside a token read as a space, so that a word boundary in
    the normalised text is a space here, at the same position plus one."""
    return f" {text.translate(_NON_WORD)} "


def _groups(items: Any) -> list[Needles]:
    # Like _sequence, but keeps every part a match cannot do without.
    return list(_parts(items, nested=True))


def _score(s: Needles) -> tuple[int, float]:
    # The most selective: the longest shortest needle, then the longest on average.
    return (min(len(n.strip()) for n in s), sum(len(n) for n in s) / len(s))


def _sequence(items: Any, lead: bool = False, trail: bool = False) -> Needles | None:
    candidates = list(_parts(items, nested=False, lead=lead, trail=trail))
    return max(candidates, key=_score) if candidates else None


def _node(op: Any, av: Any, lead: bool = False, trail: bool = False) -> Needles | None:
    if op is C.SUBPATTERN:
        return _sequence(av[3], lead, trail)
    if op is C.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            got = _sequence(alt, lead, trail)
            if not got:
                return None
            out |= got
        return frozenset(out)
    if op in _REPEATS:
        low, _high, sub = av
        return _sequence(sub) if low >= 1 else None
    return None


def may_read(pattern: str, char: str) -> bool:
    """Whether a match of `pattern`, or one of its lookarounds, may read `char`;
    True whenever the parse tree holds something not worked out here."""
    return _reads(P.parse(pattern), ord(char))


def _reads(items: Any, c: int) -> bool:
    for op, av in items:
        if op is C.LITERAL:
            if av == c:
                return True
        elif op is C.IN:
            for kind, value in av:
                if kind is C.LITERAL and value != c:
                    continue
                if kind is C.RANGE and not value[0] <= c <= value[1]:
                    continue
                return True  # the character, or a class not worked out here
        elif op is C.SUBPATTERN:
            if _reads(av[3], c):
                return True
        elif op is C.BRANCH:
            if any(_reads(alt, c) for alt in av[1]):
                return True
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            if _reads(av[2], c):
                return True
        elif op in (C.ASSERT, C.ASSERT_NOT):
            if _reads(av[1], c):
                return True
        elif op is not C.AT:
            return True
    return False


def starts_at_word(pattern: str) -> bool:
    """Whether every match of `pattern` starts at a word boundary (`\\b`)."""
    items = list(P.parse(pattern))
    if len(items) == 1 and items[0][0] is C.BRANCH:
        return all(_bounded(list(alt)) for alt in items[0][1][1])
    return _bounded(items)


def _bounded(items: list[Any]) -> bool:
    return bool(items) and items[0] == (C.AT, C.AT_BOUNDARY)


def present(found: Needles | None, text: str) -> bool:
    padded = scan_text(text)
    return found is None or any(n in padded for n in found)


class Gates:
    """Which rules may match a text, and where their needles are, in one pass; the
    same pass says which branches of each gated alternation may match."""

    def __init__(
        self, all_needles: Sequence[Needles | None], alternations: Sequence["Alternation"] = ()
    ) -> None:
        self.always = frozenset(i for i, n in enumerate(all_needles) if n is None)
        owners: dict[str, tuple[list[int], list[int]]] = {}
        for i, found in enumerate(all_needles):
            for n in found or ():
                owners.setdefault(n, ([], []))[0].append(i)
        # Each alternation's needle groups, numbered after the previous one's.
        self.alternations = tuple(alternations)
        self.groups: list[list[frozenset[int]]] = []
        # Which alternation and branch each group belongs to; branches with none.
        self.owner: list[tuple[int, int]] = []
        self.ungated: list[tuple[int, ...]] = []
        offset = 0
        for k, alt in enumerate(self.alternations):
            self.groups.append([frozenset(offset + g for g in gs) for gs in alt.groups])
            for b, gs in enumerate(alt.groups):
                self.owner += [(k, b)] * len(gs)
            self.ungated.append(tuple(b for b, gs in enumerate(alt.groups) if not gs))
            for n, ids in alt.owners.items():
                owners.setdefault(n, ([], []))[1].extend(offset + g for g in ids)
            offset += alt.count
        self.automaton = ahocorasick.Automaton()
        for n, (rules, groups) in owners.items():
            self.automaton.add_word(n, (len(n.lstrip(" ")), tuple(rules), tuple(groups)))
        self.automaton.make_automaton()
        # The pattern picked for each set of groups found (few sets recur).
        self._picked: dict[tuple[int, frozenset[int]], re.Pattern[str] | None] = {}

    def scan(self, text: str) -> tuple[dict[int, list[int]], list[tuple[int, tuple[int, ...]]]]:
        """For each rule one of whose needles is in `text`, where those needles start;
        and where the alternations' needles start, with the groups they belong to."""
        out: dict[int, list[int]] = {}
        groups: list[tuple[int, tuple[int, ...]]] = []
        for end, (length, rules, found) in self.automaton.iter(scan_text(text)):
            # Where the needle's first character other than a space is in `text`
            # (scan_text puts one space before the text).
            start = end - length
            for i in rules:
                out.setdefault(i, []).append(start)
            if found:
                groups.append((start, found))
        return out, groups

    def hits(self, text: str) -> dict[int, list[int]]:
        return self.scan(text)[0]

    def open(self, text: str) -> set[int]:
        """Indexes of the rules that may match `text`."""
        return set(self.always) | set(self.hits(text))

    def pattern(self, k: int, groups: set[int]) -> re.Pattern[str] | None:
        """What of alternation `k` to run over text in which `groups` were found."""
        key = (k, frozenset(groups))
        try:
            return self._picked[key]
        except KeyError:  # not picked yet (or cleared meanwhile by another thread)
            pass
        picked = self._pattern(k, groups)
        if len(self._picked) >= MAX_PICKED:
            self._picked.clear()
        self._picked[key] = picked
        return picked

    def _pattern(self, k: int, groups: set[int]) -> re.Pattern[str] | None:
        # Only branches one of whose groups was found can have them all.
        branches = set(self.ungated[k])
        for g in groups:
            owner, b = self.owner[g]
            if owner == k:
                branches.add(b)
        mine = self.groups[k]
        return self.alternations[k].pick(tuple(b for b in sorted(branches) if mine[b] <= groups))


class Alternation:
    """Patterns tried as one alternation, `(?:p0)|(?:p1)|…`, that runs only the
    branches whose needles are in the text: a branch that lacks one of its needle
    groups cannot match anywhere in it, so leaving it out changes no match, and an
    ordinary text, which opens none, is not scanned at all. The scan is Gates'."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self.groups: list[frozenset[int]] = []
        self.owners: dict[str, list[int]] = {}
        self.count = 0
        for p in self.patterns:
            ids = []
            for group in needle_groups(p):
                for n in group:
                    self.owners.setdefault(n, []).append(self.count)
                ids.append(self.count)
                self.count += 1
            # A pattern without a certain needle is always run.
            self.groups.append(frozenset(ids))
        self.whole = self._compile(tuple(range(len(self.patterns))))
        # One branch or two are compiled on their own (at most n² small patterns;
        # each one now, pairs when first met); with more open the whole
        # alternation runs, with the same matches.
        self._subsets: dict[tuple[int, ...], re.Pattern[str]] = {
            (i,): self._compile((i,)) for i in range(len(self.patterns))
        }

    def _compile(self, branches: tuple[int, ...]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{self.patterns[i]})" for i in branches))

    def pick(self, branches: tuple[int, ...]) -> re.Pattern[str] | None:
        if not branches:
            return None
        if len(branches) > 2:
            return self.whole
        compiled = self._subsets.get(branches)
        if compiled is None:
            compiled = self._subsets[branches] = self._compile(branches)
        return compiled
