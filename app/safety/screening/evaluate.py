"""Recall and false-alarm rate of the screen on a labelled corpus (JSON lines).

Each line: {"text", "label": "risk" | "none", "category", "lang", "note"}. For risk
lines `category` is what kind of risk; for none lines it is why the sentence is a
trap (negation, idiom, ...). Recall counts a risk line as caught when it is flagged
at all, whatever category the screen gives it.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.safety.screening.engine import screen_text

# What the test suite holds the screen to on the whole corpus.
FLOOR_RECALL = 0.95
FLOOR_FALSE_ALARMS = 0.10


@dataclass
class Tally:
    total: int = 0
    flagged: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.flagged / self.total if self.total else 0.0


@dataclass
class Report:
    risk: dict[str, Tally] = field(default_factory=dict)
    none: dict[str, Tally] = field(default_factory=dict)

    def _sum(self, part: dict[str, Tally]) -> Tally:
        out = Tally()
        for t in part.values():
            out.total += t.total
            out.flagged += t.flagged
        return out

    @property
    def recall(self) -> float:
        return self._sum(self.risk).rate

    @property
    def false_alarms(self) -> float:
        return self._sum(self.none).rate

    def lines(self, *, show_errors: bool = False) -> list[str]:
        out = ["risk category        sentences  caught  recall"]
        for name, t in sorted(self.risk.items()):
            out.append(f"  {name:<20}{t.total:>9}{t.flagged:>8}  {t.rate:.3f}")
        r = self._sum(self.risk)
        out.append(f"  {'all':<20}{r.total:>9}{r.flagged:>8}  {r.rate:.3f}")
        out.append("no-risk category     sentences flagged  false-alarm rate")
        for name, t in sorted(self.none.items()):
            out.append(f"  {name:<20}{t.total:>9}{t.flagged:>8}  {t.rate:.3f}")
        n = self._sum(self.none)
        out.append(f"  {'all':<20}{n.total:>9}{n.flagged:>8}  {n.rate:.3f}")
        if show_errors:
            out += [f"MISSED   {s}" for t in self.risk.values() for s in t.misses]
            out += [f"FLAGGED  {s}" for t in self.none.values() for s in t.misses]
        return out


def read_corpus(paths: Iterable[Path]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in paths:
        files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
        for file in files:
            for line in file.read_text("utf-8").splitlines():
                if line.strip():
                    rows.append(json.loads(line))
    return rows


def evaluate(rows: Iterable[dict[str, str]]) -> Report:
    report = Report()
    for row in rows:
        part = report.risk if row["label"] == "risk" else report.none
        tally = part.setdefault(row["category"], Tally())
        tally.total += 1
        hit = screen_text(row["text"])
        if hit is not None:
            tally.flagged += 1
        wrong = (hit is None) if row["label"] == "risk" else (hit is not None)
        if wrong:
            why = f" [{hit.rule}]" if hit else ""
            tally.misses.append(f"{row['lang']} {row['category']}: {row['text']}{why}")
    return report
