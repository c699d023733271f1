"""The screen: normalise, match the rules sentence by sentence, weigh each match's
context, pick the most urgent hit; when no rule fires, ask the model, which never
sees what a rule found negated or idiomatic.

Bounded: a rule runs only over the sentences that hold one of its needles (or once
over their span when there are many), at most MAX_WEIGHED matches are weighed in
context, and the model reads at most a fixed number of short units per text, so
time is linear in the text and memory fixed (docs/screen.md, "Bounds").
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from app.safety.screening import model
from app.safety.screening.context import Sentence, lexicon
from app.safety.screening.lexicon import EXTRA_WORDS
from app.safety.screening.needles import Alternation, Gates, may_read, starts_at_word
from app.safety.screening.normalise import Normaliser
from app.safety.screening.rules import CATEGORIES, Rule, load_rules, read_data, vocabulary

Level = Literal["urgent", "review"]


@dataclass(frozen=True)
class ScreenHit:
    """Why a text was flagged: a tier, a category and the rule that fired, never the text."""

    category: str
    rule: str
    level: Level = "review"


RULES = load_rules()
_PRIORITY = {c: i for i, c in enumerate(CATEGORIES)}


def _patterns(name: str, section: str | None = None) -> list[str]:
    data = read_data(name)
    table = data if section is None else data[section]
    patterns = (
        table["patterns" if section is None else "frame"] if isinstance(table, dict) else None
    )
    if not isinstance(patterns, list):
        raise TypeError(f"{name}: patterns is a list")
    return [str(p) for p in patterns]


# Exclusions and question frames are gated by their needles (needles.py): an ordinary
# text holds none of them, and is not scanned for them.
EXCLUDE = Alternation(_patterns("exclusions.toml"))
ASKED = Alternation(_patterns("context.toml", "question"))
CUES = re.compile("|".join(f"(?:{p})" for p in _patterns("cues.toml")))
if any(may_read(p, ".") or not starts_at_word(p) for p in EXCLUDE.patterns):
    raise ValueError("exclusions.toml: each pattern starts with \\b and reads no full stop")
# Question frames too: so each is searched for only in the sentences holding its needles.
if any(may_read(p, ".") or not starts_at_word(p) for p in ASKED.patterns):
    raise ValueError("context.toml: each question frame starts with \\b and reads no full stop")
# One pass over a text finds the needles of every rule, exclusion and question frame.
GATES = Gates([r.needles for r in RULES], [EXCLUDE, ASKED])
_EXCLUDE, _ASKED = 0, 1
if any(GATES.ungated):
    raise ValueError("each exclusion and question frame holds a needle")
NORMALISER = Normaliser(vocabulary() | set(EXTRA_WORDS))
# " ." before a space or the end; starts with the full stop, so the engine scans
# for it rather than trying every space.
_SENTENCE_END = re.compile(r"\.(?<= \.)(?= |$)")
# More matches than this in one text are not weighed one by one: the text is
# flagged for review as it stands (no journal entry holds so many).
MAX_WEIGHED = 64
# A rule needed by more sentences than this runs once over their whole span.
MAX_SENTENCE_RUNS = 6
OVERFLOW_RULE = "screen_overflow"
_CLAUSE_WORDS = 4
# How a model hit is made urgent: the urgent model ("model"), an urgency cue in the
# sentence ("cue"), both, or either ("either"); chosen by leave-one-writer-out.
URGENCY = "model"


class _Text:
    """A normalised text cut into sentences, each analysed once, on demand."""

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self.starts = [0] + [m.end() + 1 for m in _SENTENCE_END.finditer(norm)]
        if self.starts[-1] >= len(norm) and len(self.starts) > 1:
            self.starts.pop()
        self.cache: dict[int, Sentence] = {}
        self.hits, groups = GATES.scan(norm)
        # The groups of needles found in each sentence that holds some.
        self.found: dict[int, set[int]] = {}
        for start, ids in groups:
            self.found.setdefault(self.index(start), set()).update(ids)
        self.excluded = self._sentence_matches(_EXCLUDE)
        self.asked = GATES.pattern(_ASKED, {g for _start, found in groups for g in found})
        # What the model must not read: idioms, and sentences that deny a rule's words.
        self.affirmed: list[tuple[int, int]] = []
        self.questioned = _questioned(self)
        self.masked: list[tuple[int, int]] = self.excluded + self.questioned
        self.denied: set[int] = set()

    def _sentence_matches(self, k: int) -> list[tuple[int, int]]:
        """Alternation k's matches (exclusions or question frames), sentence by
        sentence: a sentence is searched only for the patterns whose needles it
        holds. None reads a full stop or starts at the space after one (each starts
        with \\b; checked at import), so none crosses a sentence's end: the matches
        are those of one search over the whole text, in the same order."""
        spans: list[tuple[int, int]] = []
        for i in sorted(self.found):
            pattern = GATES.pattern(k, self.found[i])
            if pattern is not None:
                a, b = self.bounds(i)
                spans += [m.span() for m in pattern.finditer(self.norm, a, b)]
        return spans

    def index(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def bounds(self, i: int) -> tuple[int, int]:
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.norm)
        return self.starts[i], end

    def ahead(self, end: int) -> int:
        """The end of the sentence after the one ending at `end` (or `end`)."""
        i = self.index(end)
        return self.bounds(i)[1] if end < len(self.norm) and self.starts[i] == end else end

    def dated_after(self, pos: int, sentence: Sentence) -> bool:
        """The sentence after the one at `pos` dates it ("I took pills once. That was
        14 years ago."), and this one does not say it is now."""
        i = self.index(pos)
        if i + 1 >= len(self.starts) or sentence.now_said():
            return False
        return self.sentence(self.starts[i + 1])[0].dates_the_one_before()

    def sentence(self, pos: int) -> tuple[Sentence, int]:
        i = self.index(pos)
        start, end = self.bounds(i)
        if i not in self.cache:
            self.cache[i] = Sentence(self.norm[start:end])
        return self.cache[i], start

    def is_excluded(self, span: tuple[int, int]) -> bool:
        return any(a < span[1] and span[0] < b for a, b in self.excluded)

    def is_questioned(self, span: tuple[int, int]) -> bool:
        return any(a <= span[0] and span[1] <= b for a, b in self.questioned)

    def is_affirmed(self, span: tuple[int, int]) -> bool:
        return any(a <= span[0] and span[1] <= b for a, b in self.affirmed)

    def model_texts(self) -> list[str]:
        """Each sentence as the model may read it: idioms removed, denials left out, and
        what an idiom leaves of a sentence read only if it is a clause of its own."""
        out: list[str] = []
        masked = sorted(self.masked)
        for i in range(len(self.starts)):
            if i in self.denied:
                out.append("")
                continue
            a, b = self.bounds(i)
            pieces, pos = [], a
            for ma, mb in masked:
                if mb <= pos or ma >= b:
                    continue
                pieces.append(self.norm[pos : max(pos, ma)])
                pos = max(pos, min(mb, b))
            pieces.append(self.norm[pos:b])
            kept = " ".join(p.strip() for p in pieces if p.strip())
            out.append(kept if len(pieces) == 1 or kept.count(" ") >= _CLAUSE_WORDS else "")
        return out


# At most this many questions are looked at in one text; each looks for its answer
# in at most three sentences, so the work stays linear.
MAX_QUESTIONS = 16


def _questioned(text: "_Text") -> list[tuple[int, int]]:
    """Spans from a question put to the writer to its denial ("asked me if … the
    answer is no"): their content is asked, not said (context.toml, [question]).
    A question answered yes goes to `text.affirmed` instead: its content is said."""
    lex = lexicon()
    if lex.asked is None or lex.answer is None or text.asked is None:
        return []
    out: list[tuple[int, int]] = []
    frames = sorted(text._sentence_matches(_ASKED)[:MAX_QUESTIONS])
    for k, (q_start, q_end) in enumerate(frames):
        i = text.index(q_start)
        end = text.bounds(min(i + 2, len(text.starts) - 1))[1]
        # A question's answer comes before the next question is put: "asked me to rate
        # it, I said 6. She asked if I'd act on it, I said no" denies only the second.
        later = [a for a, _b in frames[k + 1 :] if a >= q_end]
        if later:
            end = min(end, later[0])
        a = lex.answer.search(text.norm, q_end, end)
        if a is not None:
            out.append((q_start, a.end()))
        elif lex.yes is not None and (y := lex.yes.search(text.norm, q_end, end)) is not None:
            text.affirmed.append((q_start, y.end()))
    return out


def _clearing(rule: Rule, s: Sentence, span: tuple[int, int]) -> str | None:
    """Why context clears this match, or None when it stands."""
    if s.negated(span):
        return "negated"
    if s.hypothetical(span):
        return "hypothetical"
    if s.historical(span):
        return "historical"
    if not rule.self_ref and (s.other_experiencer(span) or s.topic_of(span)):
        return "other"
    return "psychedelic" if rule.soft and s.psychedelic() else None


def _spans_to_run(text: _Text, starts: list[int]) -> list[tuple[int, int]]:
    sentences = sorted({text.index(p) for p in starts})
    if len(sentences) > MAX_SENTENCE_RUNS:
        return [(text.bounds(sentences[0])[0], text.bounds(sentences[-1])[1])]
    return [text.bounds(i) for i in sentences]


@dataclass
class _Found:
    rule: Rule
    sentence: int


def _rule_matches(text: _Text) -> tuple[list[_Found], bool, bool]:
    """Rules whose matches stand, whether risk words were seen, and whether the
    weighing budget ran out."""
    found: list[_Found] = []
    seen_risk_words = False
    weighed = 0
    hits = text.hits
    for i in sorted(GATES.always | set(hits)):
        rule = RULES[i]
        spans = [(0, len(text.norm))] if i not in hits else _spans_to_run(text, hits[i])
        done = False
        for a, b in spans:
            # A rule may look ahead into the next sentence ("i could strangle him . did
            # not ."); its match stays inside its own.
            for m in rule.pattern.finditer(text.norm, a, text.ahead(b)):
                if m.start() >= b:
                    break
                if m.end() > b or text.is_excluded(m.span()):
                    continue
                weighed += 1
                if weighed > MAX_WEIGHED:
                    return found, seen_risk_words, True
                if not rule.anaphoric:
                    seen_risk_words = True
                sentence, offset = text.sentence(m.start())
                local = (m.start() - offset, m.end() - offset)
                why = (
                    "negated" if text.is_questioned(m.span()) else _clearing(rule, sentence, local)
                )
                if why == "hypothetical" and text.is_affirmed(m.span()):
                    why = None  # "asked if I had ..., I said yes": not a hypothesis
                if why is None and text.dated_after(m.start(), sentence):
                    why = "historical"
                if why is None:
                    found.append(_Found(rule, text.index(m.start())))
                    done = True
                    break
                if why == "negated":
                    # The model may not overrule a denial of the same words: it does
                    # not read the sentence that denies them.
                    text.denied.add(text.index(m.start()))
            if done:
                break
    return found, seen_risk_words, False


def _cued(text: _Text, first: int, last: int) -> bool:
    return CUES.search(text.norm, text.bounds(first)[0], text.bounds(last)[1]) is not None


def screen_normalised(norm: str, risk_model: model.RiskModel | None = None) -> ScreenHit | None:
    text = _Text(norm)
    found, seen_risk_words, overflow = _rule_matches(text)
    live = [f for f in found if not f.rule.anaphoric or seen_risk_words]
    if live:
        best = min(live, key=lambda f: (f.rule.level != "urgent", _PRIORITY[f.rule.category]))
        return ScreenHit(category=best.rule.category, rule=best.rule.id, level=_level(best.rule))
    if overflow:
        return ScreenHit(category="ideation", rule=OVERFLOW_RULE, level="review")
    # What no rule names, the model may still see (model.py), sentence by sentence.
    reader = risk_model or model.shipped()
    if text.masked or text.denied:
        verdict = reader.judge_units(text.model_texts())
    else:
        verdict = reader.judge_text(norm, text.starts, text.model_texts)
    if verdict is None:
        return None
    cued = _cued(text, verdict.unit, verdict.last)
    urgent = {"model": verdict.urgent, "cue": cued, "both": verdict.urgent and cued}.get(
        URGENCY, verdict.urgent or cued
    )
    level: Level = "urgent" if urgent else "review"
    return ScreenHit(category=verdict.category, rule=model.RULE_ID, level=level)


def model_input(norm: str) -> list[str]:
    """What the model reads of a normalised text: its sentences as the engine lets the
    model see them (denials, questions answered no and idioms left out)."""
    text = _Text(norm)
    _rule_matches(text)
    return text.model_texts()


def _level(rule: Rule) -> Level:
    return "urgent" if rule.level == "urgent" else "review"


def screen_text(text: str) -> ScreenHit | None:
    """The screen's verdict on one text: a hit, or None when nothing suggests risk."""
    return screen_normalised(NORMALISER.text(text))


# Compile the context patterns and load the model now, not on the first entry a
# patient writes.
lexicon()
model.shipped()
