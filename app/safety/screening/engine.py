"""The screen: normalise, match the rules, weigh each match's context, pick the most
urgent hit; when no rule fires, ask the model. Everything is built at import; one
call is a few regex passes, and the model's two milliseconds when no rule fires."""

import re
from bisect import bisect_right
from dataclasses import dataclass

from app.safety.screening import model
from app.safety.screening.context import Sentence, lexicon
from app.safety.screening.lexicon import EXTRA_WORDS
from app.safety.screening.needles import Gates
from app.safety.screening.normalise import Normaliser
from app.safety.screening.rules import CATEGORIES, Rule, load_rules, read_data, vocabulary


@dataclass(frozen=True)
class ScreenHit:
    """Why a text was flagged: a category and the rule that fired, never the text."""

    category: str
    rule: str


RULES = load_rules()
GATES = Gates([r.needles for r in RULES])
_PRIORITY = {c: i for i, c in enumerate(CATEGORIES)}
_exclusions = read_data("exclusions.toml")["patterns"]
if not isinstance(_exclusions, list):
    raise TypeError("exclusions.toml: patterns is a list")
EXCLUDE = re.compile("|".join(f"(?:{p})" for p in _exclusions))
NORMALISER = Normaliser(vocabulary() | set(EXTRA_WORDS))
_SENTENCE_END = re.compile(r"(?:^| )\.(?= |$)")


class _Text:
    """A normalised text cut into sentences, each analysed once, on demand."""

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self.starts = [0] + [m.end() for m in _SENTENCE_END.finditer(norm)]
        self.cache: dict[int, Sentence] = {}
        self.excluded = [m.span() for m in EXCLUDE.finditer(norm)]

    def sentence(self, pos: int) -> tuple[Sentence, int]:
        i = bisect_right(self.starts, pos) - 1
        start = self.starts[i]
        if i not in self.cache:
            end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.norm)
            self.cache[i] = Sentence(self.norm[start:end])
        return self.cache[i], start

    def texts(self) -> list[str]:
        """Each sentence's text, for the model (it reads sentences, as it learnt them)."""
        ends = [*self.starts[1:], len(self.norm)]
        return [self.norm[a:b] for a, b in zip(self.starts, ends, strict=True)]

    def is_excluded(self, span: tuple[int, int]) -> bool:
        return any(a < span[1] and span[0] < b for a, b in self.excluded)


def _cleared(rule: Rule, s: Sentence, span: tuple[int, int]) -> bool:
    if s.negated(span) or s.hypothetical(span) or s.historical(span):
        return True
    if not rule.self_ref and (s.other_experiencer(span) or s.topic_of(span)):
        return True
    return rule.soft and s.psychedelic()


def screen_normalised(norm: str) -> ScreenHit | None:
    text = _Text(norm)
    found: list[Rule] = []
    seen_risk_words = False
    candidates = GATES.open(norm)
    for i, rule in enumerate(RULES):
        if i not in candidates:
            continue
        for m in rule.pattern.finditer(norm):
            if text.is_excluded(m.span()):
                continue
            if not rule.anaphoric:
                seen_risk_words = True
            sentence, offset = text.sentence(m.start())
            local = (m.start() - offset, m.end() - offset)
            if not _cleared(rule, sentence, local):
                found.append(rule)
                break
    live = [r for r in found if not r.anaphoric or seen_risk_words]
    if not live:
        # What no rule names, the model may still see (model.py), sentence by
        # sentence: in a long entry one sentence of risk is lost in the whole.
        verdict = model.shipped().judge_sentences(text.texts())
        if verdict is None:
            return None
        return ScreenHit(category=verdict.category, rule=model.RULE_ID)
    best = min(live, key=lambda r: _PRIORITY[r.category])
    return ScreenHit(category=best.category, rule=best.id)


def screen_text(text: str) -> ScreenHit | None:
    """The screen's verdict on one text: a hit, or None when nothing suggests risk."""
    return screen_normalised(NORMALISER.text(text))


# Compile the context patterns and load the model now, not on the first entry a
# patient writes.
lexicon()
model.shipped()
