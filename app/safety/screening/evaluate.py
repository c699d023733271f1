"""How the screen does on labelled text: recall and false alarms per tier, language
and length, with 95 % Wilson intervals.

    python -m app.safety.screening.evaluate PATH.jsonl [PATH ...] [--errors]

Each line: {"text", "label": "urgent" | "review" | "none", "lang", "length"?, ...}.
The first corpus's lines say "risk" with a `category`; plans, behaviour and harm to
others count as urgent there, thoughts as review. A long entry is judged whole: it
is flagged if any sentence is. Figures:

- recall: risk items flagged at any tier;
- urgent recall: urgent items flagged urgent;
- false alarms: items without risk flagged at any tier; none→urgent: flagged urgent;
- review→urgent: review items paged as urgent (over-triage, shown for the record).
"""

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.safety.screening.engine import ScreenHit, screen_text

# What the test suite holds the screen to on the whole corpus.
FLOOR_RECALL = 0.95
FLOOR_FALSE_ALARMS = 0.10
URGENT_CATEGORIES = ("plan", "behaviour", "harm_to_others")
Row = dict[str, str]


def tier(row: Row) -> str:
    label = row["label"]
    if label == "risk":
        return "urgent" if row.get("category") in URGENT_CATEGORIES else "review"
    return label


def length(row: Row) -> str:
    if row.get("length"):
        return row["length"]
    return "long" if row["text"].count(". ") >= 3 else "short"


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of k successes in n."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class Tally:
    total: int = 0
    flagged: int = 0

    @property
    def rate(self) -> float:
        return self.flagged / self.total if self.total else 0.0

    def cell(self) -> str:
        if not self.total:
            return "-"
        lo, hi = wilson(self.flagged, self.total)
        return f"{self.flagged}/{self.total} = {self.rate:.3f} [{lo:.2f}-{hi:.2f}]"


MEASURES = ("recall", "urgent recall", "false alarms", "none→urgent", "review→urgent")


@dataclass
class Report:
    # measure -> group ("all", "en", "es", "short", "long", "en short", ...) -> tally
    cells: dict[str, dict[str, Tally]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def tally(self, measure: str, group: str = "all") -> Tally:
        return self.cells.get(measure, {}).get(group, Tally())

    def add(self, measure: str, groups: Iterable[str], hit: bool) -> None:
        for g in groups:
            t = self.cells.setdefault(measure, {}).setdefault(g, Tally())
            t.total += 1
            t.flagged += hit

    @property
    def recall(self) -> float:
        return self.tally("recall").rate

    @property
    def false_alarms(self) -> float:
        return self.tally("false alarms").rate

    def lines(self, *, show_errors: bool = False) -> list[str]:
        groups = ["all", "en", "es", "short", "long", "en short", "en long", "es short", "es long"]
        out = [f"{'measure':<15}{'group':<10}flagged/total = rate [95 % Wilson]"]
        for measure in MEASURES:
            for g in groups:
                t = self.tally(measure, g)
                if t.total:
                    out.append(f"{measure:<15}{g:<10}{t.cell()}")
        if show_errors:
            out += self.errors
        return out


def read_corpus(paths: Iterable[Path]) -> list[Row]:
    rows: list[Row] = []
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        for file in files:
            for line in file.read_text("utf-8").splitlines():
                if line.strip():
                    rows.append(json.loads(line))
    return rows


def evaluate(
    rows: Iterable[Row], screen: Callable[[str], ScreenHit | None] = screen_text
) -> Report:
    report = Report()
    for row in rows:
        t, lang, size = tier(row), row.get("lang", "?"), length(row)
        groups = ("all", lang, size, f"{lang} {size}")
        hit = screen(row["text"])
        level = hit.level if hit else None
        if t == "none":
            report.add("false alarms", groups, hit is not None)
            report.add("none→urgent", groups, level == "urgent")
        else:
            report.add("recall", groups, hit is not None)
            if t == "urgent":
                report.add("urgent recall", groups, level == "urgent")
            else:
                report.add("review→urgent", groups, level == "urgent")
        wrong = (hit is None) != (t == "none") or (t == "urgent" and level != "urgent")
        if wrong:
            got = f"{level} [{hit.rule}]" if hit else "none"
            report.errors.append(f"{t:>6} → {got:<28} {lang} {size}: {row['text'][:300]}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path, help="jsonl files or folders of them")
    parser.add_argument("--errors", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    print("\n".join(evaluate(read_corpus(args.paths)).lines(show_errors=args.errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
