"""Counts of safety flags by why they were raised and where they stand, for
`kap-journal screen-report`: which rules fire, and which ones cry wolf."""

from collections import Counter
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from app.safety.models import SafetyFlag


def _status() -> Any:
    return case((col(SafetyFlag.acknowledged_at).is_(None), "open"), else_="acknowledged")


def report_columns() -> dict[str, Any]:
    """What the report groups by. Add a column here (an outcome, say) and it shows."""
    return {
        "source": SafetyFlag.source,
        "category": SafetyFlag.category,
        "rule": SafetyFlag.rule,
        "status": _status(),
        "outcome": SafetyFlag.outcome,
    }


def flag_counts(db: Session) -> list[dict[str, Any]]:
    """One row per combination of the report's columns, with its number of flags."""
    labelled = [expr.label(name) for name, expr in report_columns().items()]
    stmt = select(*labelled, func.count().label("flags")).group_by(*labelled)
    return [dict(row) for row in db.execute(stmt).mappings().all()]


def report_lines(rows: list[dict[str, Any]]) -> list[str]:
    names = [*report_columns(), "flags"]
    widths = {n: max([len(n), *(len(str(r[n] or "-")) for r in rows)]) for n in names}
    fmt = "  ".join(f"{{{n}:<{widths[n]}}}" for n in names)
    out = [fmt.format(**{n: n for n in names})]
    ordered = sorted(rows, key=lambda r: (-r["flags"], str(r["rule"])))
    out += [fmt.format(**{n: str(r[n] or "-") for n in names}) for r in ordered]
    for name in ("rule", "status"):
        totals: Counter[str] = Counter()
        for r in rows:
            totals[str(r[name] or "-")] += r["flags"]
        out.append("")
        out.append(f"flags per {name}")
        out += [f"  {key:<28}{n:>7}" for key, n in totals.most_common()]
    out.append("")
    out.append(f"all flags  {sum(r['flags'] for r in rows)}")
    return out
