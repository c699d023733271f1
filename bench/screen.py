"""CPU time of the text screen: per 2,000-character entry, and its cost curve.

    python -m bench.screen [--calls 2000] [--rounds 5]

Ordinary text is real journal prose: the labelled corpus's long entries without
risk (`app/safety/screening/corpus`, English and Spanish, written by people who
never saw the rules), joined in a seeded random order and cut at a word to the
length measured. Its cost per 1,000 characters from 300 to 2,000 characters is
the cost goal's figure (issue 21: at most 0.3 ms).

The curve: CPU per call and per 1,000 characters from 300 to 20,000 characters,
for ordinary text and for adversarial text (long made-up words that start like
risk words, thousands of tiny sentences, nested quotes).

Three kinds of entry, each about 2,000 characters: an ordinary day (corpus prose,
no risk), the same ending in a risk sentence, and a hard one full of negated,
historical and idiomatic risk words (every match must be weighed in context).
Each figure is the median over rounds of process CPU time per call; the first
call of a fresh text is reported too (the speller's cache is cold for it).
"""

import argparse
import random
import statistics
import time

from app.safety.screening import screen_text
from app.safety.screening.model import read_rows

HARD = (
    "I'm not suicidal, just really tired of this job.",
    "Two years ago I wanted to die, now I feel alive.",
    "My brother died by suicide ten years ago and I still miss him.",
    "This traffic is killing me and I'd kill for a coffee.",
    "I felt like I died and was reborn, ego death, letting go.",
    "I watched a suicide prevention talk at work.",
    "I want to dye my hair blue and cut my hair short.",
    "No thoughts of hurting myself, I would never do that to my kids.",
    "If I ever feel suicidal I will call my therapist.",
    "Ya no me muero de ganas de verte, pero estoy bien.",
)
RISK = "I have the pills saved up and tonight is the night."
ORDINARY_SIZES = (300, 500, 1000, 1500, 2000)


def journal_prose() -> list[str]:
    """The corpus's long entries without risk, in file order."""
    return [r["text"] for r in read_rows() if r["label"] == "none" and r.get("length") == "long"]


def ordinary(prose: list[str], rng: random.Random, size: int, tail: str = "") -> str:
    """Corpus entries in random order, joined as paragraphs and cut at a word."""
    parts: list[str] = []
    while sum(len(p) + 2 for p in parts) < size:
        parts.append(rng.choice(prose))
    text = "\n\n".join(parts)
    room = size - (len(tail) + 1 if tail else 0)
    cut = text.rfind(" ", 0, room + 1)
    text = text[: cut if cut > 0 else room]
    return f"{text} {tail}" if tail else text


def entry(pool: tuple[str, ...], rng: random.Random, tail: str = "", size: int = 2000) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) + len(tail) < size:
        parts.append(rng.choice(pool))
    return (" ".join(parts) + " " + tail)[:size] if tail else " ".join(parts)[:size]


def per_call_ms(texts: list[str], rounds: int) -> float:
    figures = []
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            screen_text(text)
        figures.append((time.process_time() - start) / len(texts) * 1000)
    return statistics.median(figures)


def adversarial(size: int, rng: random.Random) -> str:
    heads = ["suicid", "overdos", "myselff", "kil", "unaliv", "sewersl", "pastill"]
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < size:
        kind = rng.random()
        if kind < 0.4:
            tail = "".join(rng.choices("abcdefxyz", k=rng.randint(5, 60)))
            parts.append(rng.choice(heads) + tail)
        elif kind < 0.8:
            parts.append(rng.choice(["no.", "a.", "die.", "k i l l.", "I'm not suicidal."]))
        else:
            parts.append('"' * rng.randint(1, 8) + "kill myself" + "'" * rng.randint(1, 8))
    return " ".join(parts)[:size]


def curve(rounds: int, prose: list[str]) -> None:
    print(
        "| characters | ordinary: ms per call | ordinary: ms per 1,000 chars "
        "| adversarial: ms per call | adversarial: ms per 1,000 chars |"
    )
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size in (300, 1000, 2000, 5000, 10000, 20000):
        rng = random.Random(size)
        plain = [ordinary(prose, rng, size) for _ in range(20)]
        hostile = [adversarial(size, rng) for _ in range(10)]
        calls = max(20, 4000 // (size // 100))
        o = per_call_ms((plain * calls)[:calls], rounds)
        a = per_call_ms((hostile * calls)[:calls], rounds)
        print(f"| {size:,} | {o:.2f} | {o / size * 1000:.3f} | {a:.2f} | {a / size * 1000:.3f} |")


def goal(rounds: int, prose: list[str], calls: int) -> None:
    """CPU per 1,000 characters over ordinary entries of 300 to 2,000 characters."""
    rng = random.Random(21)
    texts = [ordinary(prose, rng, rng.choice(ORDINARY_SIZES)) for _ in range(200)]
    batch = (texts * (calls // len(texts) + 1))[:calls]
    chars = sum(map(len, batch))
    ms = per_call_ms(batch, rounds) * len(batch)
    print(
        f"Ordinary entries of 300 to 2,000 characters ({len(texts)} texts, {calls} calls): "
        f"{ms / chars * 1000:.3f} ms of CPU per 1,000 characters (goal: at most 0.3)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(11)
    prose = journal_prose()
    kinds = {
        "ordinary day, no risk": [ordinary(prose, rng, 2000) for _ in range(50)],
        "ordinary day ending in risk": [ordinary(prose, rng, 2000, RISK) for _ in range(50)],
        "hard negatives throughout": [entry(HARD, rng) for _ in range(50)],
    }
    cold_text = ordinary(prose, random.Random(99), 2000, RISK)
    start = time.process_time()
    screen_text(cold_text)
    cold = (time.process_time() - start) * 1000
    print(f"| entry (2,000 characters) | CPU per call, median of {args.rounds} rounds |")
    print("| --- | ---: |")
    for name, texts in kinds.items():
        batch = (texts * (args.calls // len(texts) + 1))[: args.calls]
        print(f"| {name} | {per_call_ms(batch, args.rounds):.2f} ms |")
    print(f"| first call after import (cold caches) | {cold:.2f} ms |")
    print()
    goal(args.rounds, prose, args.calls)
    print()
    curve(args.rounds, prose)


if __name__ == "__main__":
    main()
