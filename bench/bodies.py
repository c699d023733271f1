"""The bench's journal entries: bench/bodies.txt, one JSON string per line.

    python -m bench.bodies        # rebuild bench/bodies.txt from the screen's corpus

What a patient writes after a session is 300 to 2,000 characters, not a line: the
text screen's cost grows with the length, so a short body hid most of a write's
cost. Drawn from the labelled corpus of app/safety/screening (read only): the long
entries labelled `none` joined into paragraphs, and in a few percent one that
should flag (`review`, `urgent`), in a fixed order. kap and the bare references post
the same bodies.
"""

import json
import math
import random
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE.parent / "app" / "safety" / "screening" / "corpus"
OUT = HERE / "bodies.txt"
SHORTEST, LONGEST = 300, 2000
FLAGGING = 0.03
COUNT = 500


def _corpus() -> tuple[list[str], list[str]]:
    calm, risky = [], []
    for path in sorted(CORPUS.glob("*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            text = row.get("text", "")
            if row.get("lang", "en") != "en" or len(text) < 80:
                continue
            if row.get("label") == "none":
                calm.append(text)
            elif row.get("label") in ("review", "urgent"):
                risky.append(text)
    return calm, risky


def build(count: int = COUNT) -> list[str]:
    """Entries of 300-2,000 characters (log-uniform), each a few calm paragraphs from
    the corpus; in a few percent one paragraph is one that should flag."""
    calm, risky = _corpus()
    rng = random.Random(26)
    bodies = []
    for _ in range(count):
        target = int(math.exp(rng.uniform(math.log(SHORTEST), math.log(LONGEST))))
        parts: list[str] = []
        if rng.random() < FLAGGING:
            parts.append(rng.choice(risky))
        while sum(len(p) + 2 for p in parts) < target:
            nxt = rng.choice(calm)
            if sum(len(p) + 2 for p in parts) + len(nxt) > LONGEST:
                break
            parts.append(nxt)
        rng.shuffle(parts)
        body = "\n\n".join(parts)
        if SHORTEST <= len(body) <= LONGEST:
            bodies.append(body)
    return bodies


def load() -> list[str]:
    return [json.loads(line) for line in OUT.read_text().splitlines()]


if __name__ == "__main__":
    bodies = build()
    OUT.write_text("".join(json.dumps(b) + "\n" for b in bodies))
    lengths = sorted(len(b) for b in bodies)
    median = lengths[len(lengths) // 2]
    print(f"{len(bodies)} bodies, {lengths[0]}-{lengths[-1]} characters, median {median}")
