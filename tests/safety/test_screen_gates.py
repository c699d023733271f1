"""The screen's shortcuts change no verdict: exclusions searched sentence by sentence
only where their needles are, question frames only where theirs are, and the
model's readings summed piece by piece, against the plain way of each."""

import json
import math
import unicodedata
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from app.safety.screening import engine, model
from app.safety.screening.features import feature_set, features
from app.safety.screening.normalise import (
    _CONTRACTED,
    _CONTRACTION,
    _TOKEN,
    _expand,
    _replace_tokens,
    _strip_accents,
    _tokens,
)
from tests.safety import screen_verdicts

# Pieces of exclusions, question frames, risk words and sentence ends, so that
# random texts hold many near misses.
_WORDS = st.sampled_from(
    [
        "i", "my", "myself", "kill", "killing", "laughing", "die", "dye", "hair", "of",
        "laughter", "end", "it", "with", "him", "this", "chapter", "for", "good",
        "quit", "smoking", "rope", "climbing", "suicide", "squad", "mission", "cut",
        "slack", "me", "muero", "de", "risa", "corte", "el", "pelo", "rather", "than",
        "live", "asked", "me", "if", "whether", "the", "answer", "is", "no", "nope",
        "pills", "took", "as", "prescribed", "3", "km", "kms", "want", "to", "not",
        "never", "did", "hurt", "arm", "at", "gym", ".", ",", "?", "!", "\n", "'",
        "mataria", "por", "un", "done", "people", "pleasing", "would", "sooner",
    ]
)  # fmt: skip
_TEXTS = st.lists(_WORDS, max_size=80).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_exclusions_and_questions_are_those_of_one_search(raw: str) -> None:
    norm = engine.NORMALISER.text(raw)
    text = engine._Text(norm)
    assert text.excluded == [m.span() for m in engine.EXCLUDE.whole.finditer(norm)]
    asked = [] if text.asked is None else [m.span() for m in text.asked.finditer(norm)]
    assert asked == [m.span() for m in engine.ASKED.whole.finditer(norm)]


def _plain_best(sentences: list[str]) -> float:
    """The likeliest reading's probability, each reading's features summed whole."""
    parts = model.pieces(sentences)
    sets = [f for _a, _b, f in parts]
    readings = sets + [f | g for f, g in pairwise(sets)]
    if 2 < len(sets) <= model.SHORT_PIECES:
        readings.append(set().union(*sets))
    return max(model.shipped().probability(f) for f in readings)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=8))
def test_model_readings_summed_by_piece_match_the_plain_sum(sentences: list[str]) -> None:
    normalised = [engine.NORMALISER.text(s) for s in sentences]
    for s in normalised:
        assert feature_set(s) == set(features(s))
    if not model.pieces(normalised):
        return
    risk = model.shipped()
    best = _plain_best(normalised)
    verdict = risk.judge_units(normalised)
    if verdict is not None:
        assert math.isclose(verdict.probability, best, rel_tol=1e-9)
    parts = model.pieces(normalised)
    line = risk.threshold if len(parts) <= model.SHORT_PIECES else risk.long_threshold
    assert (verdict is not None) == (best >= line) or math.isclose(best, line, rel_tol=1e-9)


def test_every_recorded_text_keeps_its_verdict() -> None:
    """Corpus, bench and seeded random texts give the verdicts recorded in
    screen_verdicts.json (a change of rules rewrites it on purpose)."""
    recorded = json.loads(screen_verdicts.RECORDED.read_text())
    changed = {
        k: (recorded.get(k), v)
        for k, v in (
            (screen_verdicts.key(t), screen_verdicts.verdict(t)) for t in screen_verdicts.texts()
        )
        if recorded.get(k) != v
    }
    assert not changed, f"{len(changed)} verdicts changed, e.g. {list(changed.items())[:5]}"


_TOKENS = st.sampled_from(["a", "b", "ab", "im", "i", "am", "", "kms", "x y", "!"])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_TOKENS.filter(lambda t: " " not in t), max_size=30),
    st.dictionaries(_TOKENS.filter(lambda t: " " not in t), _TOKENS, max_size=4),
)
def test_tokens_replaced_by_str_replace_match_a_look_up_per_token(
    tokens: list[str], changed: dict[str, str]
) -> None:
    text = " ".join(tokens)
    split = text.split(" ")
    assert _replace_tokens(text, changed) == " ".join(map(changed.get, split, split))


@settings(max_examples=200, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=8))
def test_the_numpy_first_look_gives_the_largest_exact_reading(sentences: list[str]) -> None:
    normalised = [engine.NORMALISER.text(s) for s in sentences]
    cut = model.units(normalised)
    if not cut:
        return
    risk = model.shipped()
    whole = 2 < len(cut) <= model.SHORT_PIECES
    fast = risk.fast.largest([u for _a, _b, u in cut], whole)
    sets = [f for _a, _b, f in model.pieces(normalised)]
    readings = sets + [f | g for f, g in pairwise(sets)] + ([set().union(*sets)] if whole else [])
    exact = max(risk.risk.decisions(f)[0] for f in readings)
    assert math.isclose(fast, exact, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("aeinou ÁáÉéÍíÑñÓóÚúÜüçÇŀĿøß\u0301\u0303\u0308·ﬁ"), max_size=40
    )
)
def test_accents_stripped_letter_by_letter_match_the_whole_decomposition(text: str) -> None:
    whole = unicodedata.normalize("NFKD", text)
    assert _strip_accents(text) == "".join(c for c in whole if not unicodedata.combining(c))


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_a_text_read_whole_is_judged_as_its_sentences_are(raw: str) -> None:
    """judge_text (pieces counted from the text's spaces, its words split once)
    gives judge_units' verdict, and its first look the pieces' largest reading."""
    norm = engine.NORMALISER.text(raw * 4)
    text = engine._Text(norm)
    engine._rule_matches(text)
    risk = model.shipped()
    sentences = text.model_texts()
    assert risk.judge_text(norm, text.starts, text.model_texts) == risk.judge_units(sentences)
    cut = model.units(sentences)
    if not cut or text.masked or text.denied or "  " in norm:
        return
    ends = [sum(u.count(" ") + 1 for _a, _b, u in cut[: k + 1]) for k in range(len(cut))]
    whole = 2 < len(cut) <= model.SHORT_PIECES
    fast = risk.fast.largest_text(norm.split(" "), ends, whole)
    assert fast == risk.fast.largest([u for _a, _b, u in cut], whole)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abz09@$.,?;:!\n\t'\"-_ \x01Aé"), max_size=120))
def test_tokens_found_in_bytes_are_the_expressions(folded: str) -> None:
    assert _tokens(folded) == " ".join(_TOKEN.findall(folded))
    long_word = folded + "k" * 45
    assert _tokens(long_word) == " ".join(_TOKEN.findall(long_word))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["can't", "won't", "n't", "'m", "'re", "'ll", "'d", "'", "n", "t", "ca"]),
        max_size=12,
    ).map("".join)
)
def test_contractions_expanded_by_str_replace_match_the_expression(text: str) -> None:
    assert _expand(text) == _CONTRACTION.sub(lambda m: _CONTRACTED[m.group(0)], text)
