"""Texts whose verdicts are recorded in `screen_verdicts.json`, and the recorder.

The texts: every corpus line, the bench's entries (ordinary prose, risk at the end,
hard negatives, adversarial text at every size of the cost curve), and seeded
random texts built from risk words, idioms, denials and corpus sentences. A change
made to make the screen cheaper must leave every verdict (level, category, rule)
as recorded; a change of rules rewrites the file on purpose, in the same commit:

    python -m tests.safety.screen_verdicts
"""

import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path

from app.safety.screening import screen_text
from app.safety.screening.model import read_rows
from bench.screen import HARD, RISK, adversarial, entry, journal_prose, ordinary

RECORDED = Path(__file__).with_name("screen_verdicts.json")

_WORDS = [
    "i",
    "my",
    "myself",
    "kill",
    "killing",
    "laughing",
    "die",
    "dye",
    "hair",
    "of",
    "laughter",
    "end",
    "it",
    "with",
    "him",
    "this",
    "chapter",
    "for",
    "good",
    "quit",
    "smoking",
    "rope",
    "climbing",
    "suicide",
    "squad",
    "mission",
    "cut",
    "slack",
    "me",
    "muero",
    "de",
    "risa",
    "corte",
    "el",
    "pelo",
    "rather",
    "than",
    "live",
    "asked",
    "if",
    "whether",
    "the",
    "answer",
    "is",
    "no",
    "nope",
    "pills",
    "took",
    "as",
    "prescribed",
    "3",
    "km",
    "kms",
    "want",
    "to",
    "not",
    "never",
    "did",
    "hurt",
    "arm",
    "at",
    "gym",
    ".",
    ",",
    "?",
    "!",
    "'",
    "mataria",
    "por",
    "un",
    "done",
    "people",
    "pleasing",
    "would",
    "sooner",
    "k1ll",
    "mys3lf",
    "sucidal",
    "dieeee",
    "don't",
    "cant",
    "wont",
    "im",
    "quiero",
    "morir",
    "no",
    "aguanto",
    "mas",
    "ya",
    "vivir",
    "tired",
    "of",
    "existing",
    "burden",
    "better",
    "off",
    "without",
    "me",
    "tonight",
    "is",
    "night",
    "saved",
    "up",
    "pastillas",
    "cuerda",
    "just",
    "in",
    "case",
    "last",
    "week",
    "years",
    "ago",
    "when",
    "was",
    "15",
    "again",
    "still",
    "my",
    "brother",
    "she",
    "documentary",
    "ketamine",
    "ego",
    "death",
    "reborn",
    "more",
    "than",
    "wanting",
]


def texts() -> Iterator[str]:
    rows = read_rows()
    yield from (r["text"] for r in rows)
    prose = journal_prose()
    rng = random.Random(21)
    for size in (300, 500, 1000, 1500, 2000, 5000, 20000):
        yield from (ordinary(prose, rng, size) for _ in range(12))
        yield from (ordinary(prose, rng, size, RISK) for _ in range(4))
        yield from (adversarial(size, rng) for _ in range(4))
    yield from (entry(HARD, rng) for _ in range(20))
    for _ in range(1500):
        yield " ".join(rng.choices(_WORDS, k=rng.randint(1, 60)))
    sentences = [s for r in rows for s in r["text"].split(". ") if s]
    for _ in range(1000):
        yield ". ".join(rng.choices(sentences, k=rng.randint(1, 8)))


def verdict(text: str) -> str:
    hit = screen_text(text)
    return "" if hit is None else f"{hit.level}/{hit.category}/{hit.rule}"


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def record() -> dict[str, str]:
    return {key(t): verdict(t) for t in texts()}


if __name__ == "__main__":
    RECORDED.write_text(json.dumps(record(), indent=0, sort_keys=True) + "\n")
