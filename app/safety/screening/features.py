"""What the model reads in one sentence of normalised text: features that carry
negation, so a bag of words can tell "i want to die" from "i do not want to die".

- words, each marked `!` inside a negation's scope (from a trigger such as "not",
  "never", "no", "nunca", "sin" to the clause's end or WINDOW words), so "!want"
  and "want" differ;
- adjacent word pairs, marked the same way;
- the first five letters of each longer word not negated ("matar~"), so inflection
  shares weight ("matarme", "matarlo").

Measured by leave-one-writer-out and not kept (docs/screen.md): letter groups of
three to five letters (scikit-learn's char_wb), no better at three times the
features; frame features from ConText's tables (distant past, recent, another
person, the writer, topic, psychedelic), no better and a fifth of the screen's cost.
"""

import re
from itertools import pairwise

# Triggers that open a negation's scope; it runs to the clause's end or WINDOW words.
_NEG = frozenset(
    [
        "not",
        "no",
        "never",
        "nobody",
        "nothing",
        "nor",
        "without",
        "none",
        "neither",
        "nunca",
        "jamas",
        "nadie",
        "nada",
        "ni",
        "sin",
        "tampoco",
    ]
)
_PSEUDO = re.compile(r"\b(?:not only|no doubt|not just|no matter|not sure|no se si)\b")
_STOP = frozenset(
    [
        ".",
        ",",
        ";",
        ":",
        "?",
        "!",
        "but",
        "however",
        "although",
        "though",
        "yet",
        "except",
        "instead",
        "pero",
        "aunque",
        "sino",
        "and",
        "y",
    ]
)
WINDOW = 6
PREFIX = 5


def marked_words(sentence: str) -> list[str]:
    """The sentence's words, those inside a negation's scope prefixed with '!'."""
    words = sentence.split()
    if _NEG.isdisjoint(words):  # most sentences: nothing to mark
        return words
    pseudo = {m.start() for m in _PSEUDO.finditer(sentence)}
    out: list[str] = []
    scope = 0
    pos = 0
    for w in words:
        if w in _STOP:
            scope = 0
            out.append(w)
        elif w in _NEG and pos not in pseudo:
            scope = WINDOW
            out.append(w)
        elif scope:
            scope -= 1
            out.append("!" + w)
        else:
            out.append(w)
        pos += len(w) + 1
    return out


def features(sentence: str) -> list[str]:
    words = marked_words(sentence)
    out = [w for w in words if w not in ".,"]
    out += map(" ".join, pairwise(words))
    out += [w[:PREFIX] + "~" for w in words if len(w) >= PREFIX and w[0] != "!"]
    return out


_PUNCT = frozenset(".,")


def feature_set(sentence: str) -> set[str]:
    """`set(features(sentence))`, built without the intermediate list."""
    words = marked_words(sentence)
    out = set(words)
    out -= _PUNCT
    out.update(map(" ".join, pairwise(words)))
    out.update([w[:PREFIX] + "~" for w in words if len(w) >= PREFIX and w[0] != "!"])
    return out
