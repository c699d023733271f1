"""CPU time of the text screen: per 2,000-character entry, and its cost curve.

    python -m bench.screen [--calls 2000] [--rounds 5]

The curve: CPU per call and per 1,000 characters from 300 to 20,000 characters,
for ordinary journal text and for adversarial text (long made-up words that start
like risk words, thousands of tiny sentences, nested quotes).

Three kinds of entry, each about 2,000 characters: an ordinary day (no rule
matches), an ordinary day that ends in a risk sentence, and a hard one full of
negated, historical and idiomatic risk words (every match must be weighed in
context). Each figure is the median over rounds of process CPU time per call; the
first call of a fresh text is reported too (the speller's cache is cold for it).
"""

import argparse
import random
import statistics
import time

from app.safety.screening import screen_text

ORDINARY = (
    "Woke up early and made tea before anyone else was up.",
    "The integration session yesterday left me thinking about my father.",
    "I walked along the river and noticed the light on the water.",
    "Work was long; my manager asked for the report again.",
    "I felt a little anxious in the afternoon, then it passed.",
    "Dinner with my sister, we laughed about the old house.",
    "I want to remember the feeling of the music during the session.",
    "My back is sore from the gym and I slept badly.",
    "Tomorrow I will call the clinic about my next appointment.",
    "I noticed I was kinder to myself today, which is new.",
)
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


def curve(rounds: int) -> None:
    print(
        "| characters | ordinary: ms per call | ordinary: ms per 1,000 chars "
        "| adversarial: ms per call | adversarial: ms per 1,000 chars |"
    )
    print("| ---: | ---: | ---: | ---: | ---: |")
    for size in (300, 1000, 2000, 5000, 10000, 20000):
        rng = random.Random(size)
        ordinary = [entry(ORDINARY + HARD, rng, size=size) for _ in range(10)]
        hostile = [adversarial(size, rng) for _ in range(10)]
        calls = max(10, 4000 // (size // 100))
        o = per_call_ms((ordinary * calls)[:calls], rounds)
        a = per_call_ms((hostile * calls)[:calls], rounds)
        print(f"| {size:,} | {o:.2f} | {o / size * 1000:.3f} | {a:.2f} | {a / size * 1000:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(11)
    kinds = {
        "ordinary day, no risk": [entry(ORDINARY, rng) for _ in range(50)],
        "ordinary day ending in risk": [entry(ORDINARY, rng, RISK) for _ in range(50)],
        "hard negatives throughout": [entry(HARD, rng) for _ in range(50)],
    }
    cold_text = entry(ORDINARY + HARD, random.Random(99), RISK)
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
    curve(args.rounds)


if __name__ == "__main__":
    main()
