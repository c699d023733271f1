"""What the model reads in one sentence of normalised text: features that carry
negation, time frame and person, so a bag of words can tell "i want to die" from
"i do not want to die", "when i was 15 i cut" from "i cut last night", and "my
brother overdosed" from "i overdosed".

- words, each marked `!` inside a negation's scope (from a trigger such as "not",
  "never", "no", "nunca", "sin" to the clause's end), so "!want" and "want" differ;
- adjacent word pairs, marked the same way;
- the first five letters of each longer word not negated ("matar~"), so inflection
  shares weight ("matarme", "matarlo"); letter groups of three to five letters
  (scikit-learn's char_wb) were measured too and did no better, at three times the
  features;
- one feature per frame found by ConText's own tables (context.toml): distant past
  (`#past`), recent (`#recent`), another person (`#other`) with or without the writer
  (`#self`), a topic (`#topic`), a psychedelic image (`#psy`), a hypothesis (`#hypo`).
"""

import re
from itertools import pairwise

from app.safety.screening.context import lexicon

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
_SELF = re.compile(r"\b(?:i|me|my|myself|mine|yo|me|mi|mis|conmigo)\b")
_FRAMES: tuple[tuple[str, str], ...] = (
    ("hist", "#past"),
    ("recent", "#recent"),
    ("other", "#other"),
    ("topic", "#topic"),
    ("psyche", "#psy"),
    ("hypo", "#hypo"),
)


def frame_spans(text: str) -> list[tuple[int, str]]:
    """Where each frame's triggers start in a text: one pass per frame."""
    lex = lexicon()
    found = [(m.start(), "#self") for m in _SELF.finditer(text)]
    for name, tag in _FRAMES:
        pattern = getattr(lex, name)
        if pattern is not None:
            found += [(m.start(), tag) for m in pattern.finditer(text)]
    return found


def frames(tags: set[str]) -> list[str]:
    if "#past" in tags and "#recent" in tags:
        tags = tags - {"#past"}
    return sorted(tags)


def marked_words(sentence: str) -> list[str]:
    """The sentence's words, those inside a negation's scope prefixed with '!'."""
    words = sentence.split()
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


def features(sentence: str, tags: set[str] | None = None) -> list[str]:
    """The sentence's features; `tags` are its frames when the caller found them
    over the whole text (engine), else they are found here."""
    if tags is None:
        tags = {tag for _pos, tag in frame_spans(sentence)}
    words = marked_words(sentence)
    out = [w for w in words if w not in ".,"]
    out += [a + " " + b for a, b in pairwise(words)]
    out += [w[:PREFIX] + "~" for w in words if len(w) >= PREFIX and w[0] != "!"]
    out += frames(tags)
    return out
