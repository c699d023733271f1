"""ConText over one sentence: is a rule's match negated, past, hypothetical, someone
else's, a topic, or a psychedelic image?

After Harkema, Dowling, Thornblade and Chapman, "ConText: an algorithm for determining
negation, experiencer, and temporal status from clinical reports" (J Biomed Inform,
2009), itself an extension of Chapman's NegEx. Triggers, pseudo-triggers and
terminations are regular expressions (tables/context.toml), run once per sentence that
holds a match; a trigger's scope runs forward or backward from it to a termination,
the sentence's end, or `window` words.
"""

import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from app.core.clock import utcnow
from app.safety.screening.rules import read_data

Span = tuple[int, int]

# How far into a sentence a time frame may start and still open it ("it has been ...").
OPENING_WORDS = 3
# How far into a sentence a date may stand and still date the sentence before it.
DATING_WORDS = 5


def _compile(patterns: object) -> re.Pattern[str] | None:
    if not patterns:
        return None
    if not isinstance(patterns, list):
        raise TypeError("context.toml: each key holds a list of patterns")
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class Lexicon:
    window: int
    neg_fwd: re.Pattern[str] | None
    neg_back: re.Pattern[str] | None
    neg_answer: re.Pattern[str] | None
    pseudo: re.Pattern[str] | None
    hist: re.Pattern[str] | None
    recent: re.Pattern[str] | None
    continues: re.Pattern[str] | None
    hypo: re.Pattern[str] | None
    hypo_weak: re.Pattern[str] | None
    means: re.Pattern[str] | None
    other: re.Pattern[str] | None
    other_end: re.Pattern[str] | None
    topic: re.Pattern[str] | None
    psyche: re.Pattern[str] | None
    term: re.Pattern[str] | None
    asked: re.Pattern[str] | None = None
    answer: re.Pattern[str] | None = None
    yes: re.Pattern[str] | None = None
    turn: re.Pattern[str] | None = None
    dated_before: re.Pattern[str] | None = None


@cache
def lexicon() -> Lexicon:
    d = read_data("context.toml")

    def part(section: str, key: str) -> re.Pattern[str] | None:
        table = d.get(section, {})
        if not isinstance(table, dict):
            raise TypeError(f"context.toml: [{section}] must be a table")
        return _compile(table.get(key))

    window = d.get("window", 8)
    if not isinstance(window, int):
        raise TypeError("context.toml: window must be a whole number")
    return Lexicon(
        window=window,
        neg_fwd=part("negation", "forward"),
        neg_back=part("negation", "backward"),
        neg_answer=part("negation", "answer"),
        pseudo=part("negation", "pseudo"),
        hist=part("historical", "both"),
        recent=part("historical", "recent"),
        continues=part("historical", "continues"),
        hypo=part("hypothetical", "forward"),
        hypo_weak=part("hypothetical", "weak"),
        means=part("hypothetical", "means"),
        other=part("other", "forward"),
        other_end=part("other", "end"),
        topic=part("topic", "both"),
        psyche=part("psychedelic", "both"),
        term=part("termination", "any"),
        asked=part("question", "frame"),
        answer=part("question", "answer"),
        yes=part("question", "yes"),
        turn=part("historical", "turn"),
        dated_before=part("historical", "dates_before"),
    )


def _spans(pattern: re.Pattern[str] | None, text: str) -> list[Span]:
    return [] if pattern is None else [m.span() for m in pattern.finditer(text)]


@dataclass
class Sentence:
    """One sentence of normalised text and the modifiers found in it."""

    text: str
    lex: Lexicon = field(default_factory=lexicon)

    # Each list of trigger spans is found the first time a check needs it.
    @cached_property
    def terms(self) -> list[int]:
        return [s for s, _ in _spans(self.lex.term, self.text)]

    @cached_property
    def pseudo(self) -> list[Span]:
        return _spans(self.lex.pseudo, self.text)

    @cached_property
    def neg_fwd(self) -> list[Span]:
        return _drop_overlaps(_spans(self.lex.neg_fwd, self.text), self.pseudo)

    @cached_property
    def neg_back(self) -> list[Span]:
        return _drop_overlaps(_spans(self.lex.neg_back, self.text), self.pseudo)

    @cached_property
    def neg_answer(self) -> list[Span]:
        return _spans(self.lex.neg_answer, self.text)

    @cached_property
    def hist(self) -> list[Span]:
        # A year is history only before this one: "in 2026" said in 2026 is now.
        found = _spans(self.lex.hist, self.text)
        this_year = utcnow().year
        return [s for s in found if not _year_now(self.text[s[0] : s[1]], this_year)]

    @cached_property
    def recent(self) -> list[Span]:
        # "Two years today since ...": a recent word inside a history trigger dates it.
        return _drop_overlaps(_spans(self.lex.recent, self.text), self.hist)

    @cached_property
    def continues(self) -> list[Span]:
        return _spans(self.lex.continues, self.text)

    @cached_property
    def hypo(self) -> list[Span]:
        found = _spans(self.lex.hypo, self.text)
        if self.lex.means is not None and self.lex.means.search(self.text):
            # "Just in case" beside pills or a weapon is preparation, not a hypothesis.
            found = _drop_overlaps(found, _spans(self.lex.hypo_weak, self.text))
        return found

    @cached_property
    def other(self) -> list[Span]:
        return _spans(self.lex.other, self.text)

    @cached_property
    def other_end(self) -> list[int]:
        return [s for s, _ in _spans(self.lex.other_end, self.text)]

    @cached_property
    def topic(self) -> list[Span]:
        return _spans(self.lex.topic, self.text)

    @cached_property
    def psyche(self) -> list[Span]:
        return _spans(self.lex.psyche, self.text)

    def _words(self, a: int, b: int) -> int:
        return self.text.count(" ", a, b)

    def _blocked(self, a: int, b: int, stops: list[int] | None = None) -> bool:
        return any(a <= p < b for p in (stops if stops is not None else self.terms))

    def _forward(self, triggers: list[Span], span: Span, window: int | None = None) -> bool:
        start = span[0]
        limit = self.lex.window if window is None else window
        for _ts, te in triggers:
            if te <= start and not self._blocked(te, start) and self._words(te, start) <= limit:
                return True
        return False

    def _backward(self, triggers: list[Span], span: Span) -> bool:
        end = span[1]
        for ts, _te in triggers:
            if ts >= end and not self._blocked(end, ts) and self._words(end, ts) <= self.lex.window:
                return True
        return False

    def _clause(self, span: Span) -> Span:
        start, end = span
        before = [p for p in self.terms if p <= start]
        after = [p for p in self.terms if p >= end]
        return (max(before) if before else 0, min(after) if after else len(self.text))

    def negated(self, span: Span) -> bool:
        outside = [t for t in self.neg_fwd if t[1] <= span[0]]
        return (
            self._forward(outside, span)
            or self._backward(self.neg_back, span)
            or self._answered(span)
        )

    def _answered(self, span: Span) -> bool:
        """A short denial after a comma at the sentence's end ("suicidal thoughts,
        none"): backward like the others, across that one comma only."""
        end = span[1]
        for ts, _te in self.neg_answer:
            stops = [p for p in self.terms if p != ts - 3]
            if ts >= end and not self._blocked(end, ts, stops) and self._words(end, ts) <= 4:
                return True
        return False

    def historical(self, span: Span) -> bool:
        if not self.hist:
            return False
        cs, ce = self._clause(span)
        if any(cs <= s < ce for s, _ in self.recent):
            return False
        if any(s >= span[1] for s, _ in self.continues):
            return False
        if any(cs <= s < ce and not (span[0] <= s < span[1]) for s, _ in self.hist):
            return True
        return self._dated_by_opening(span)

    def _dated_by_opening(self, span: Span) -> bool:
        """A time frame that opens the sentence ("Ten years ago, before the kids, I
        ...") dates every clause after it, unless a recent word, a word saying it goes
        on, or a turn ("but", "now") comes anywhere in the sentence."""
        if self.recent or self.continues or self._turns:
            return False
        return any(s < span[0] and self._words(0, s) <= OPENING_WORDS for s, _ in self.hist)

    def now_said(self) -> bool:
        """A recent word, or a word saying the past goes on, anywhere in the sentence."""
        return bool(self.recent or self.continues)

    def dates_the_one_before(self) -> bool:
        """The sentence opens by dating what was just said: "That was 14 years ago",
        "Eso fue hace diez anos", "It was back in 2009"."""
        if self.lex.dated_before is None or not self.lex.dated_before.match(self.text):
            return False
        return any(self._words(0, s) <= DATING_WORDS for s, _ in self.hist)

    @cached_property
    def _turns(self) -> bool:
        return bool(_drop_overlaps(_spans(self.lex.turn, self.text), self.hist))

    def hypothetical(self, span: Span) -> bool:
        return self._forward([t for t in self.hypo if t[1] <= span[0]], span, window=12)

    def other_experiencer(self, span: Span) -> bool:
        # The writer ("i", "me") anywhere up to the match's end closes the scope.
        start, end = span
        for _ts, te in self.other:
            if te <= start and not self._blocked(te, end, self.other_end + self.terms):
                return True
        return False

    def topic_of(self, span: Span) -> bool:
        # Same clause, and the writer ("i", "me") does not stand between the two.
        cs, ce = self._clause(span)
        for ts, te in self.topic:
            if not cs <= ts < ce or span[0] <= ts < span[1]:
                continue
            a, b = (te, span[1]) if te <= span[0] else (span[0], ts)
            if not self._blocked(a, b, self.other_end):
                return True
        return False

    def psychedelic(self) -> bool:
        return bool(self.psyche)


_YEAR = re.compile(r"\b(?:19|20)[0-9]{2}\b")


def _year_now(trigger: str, this_year: int) -> bool:
    return any(int(y) >= this_year for y in _YEAR.findall(trigger))


def _drop_overlaps(spans: list[Span], pseudo: list[Span]) -> list[Span]:
    return [s for s in spans if not any(p[0] < s[1] and s[0] < p[1] for p in pseudo)]
