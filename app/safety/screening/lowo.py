"""Leave one writer out: how the screen may do on a writer it has never read.

    python -m app.safety.screening.lowo [--errors]    (needs the dev extras)

For each writer of the corpus (the `writer` field), the model is trained on every
other line and the screen is measured on that writer's lines. The rules were
written knowing the families of error of w1-w4 (not of w7, w8), so for those this
holds out the model, not the rules: the figures are an upper bound for unseen text
(docs/screen.md).
"""

import argparse
import sys
from collections.abc import Callable

from app.safety.screening import model
from app.safety.screening.engine import NORMALISER, ScreenHit, screen_normalised
from app.safety.screening.evaluate import Report, evaluate
from app.safety.screening.training import train_rows


def screen_with(risk_model: model.RiskModel) -> Callable[[str], ScreenHit | None]:
    def screen(text: str) -> ScreenHit | None:
        return screen_normalised(NORMALISER.text(text), risk_model)

    return screen


def folds() -> dict[str, Report]:
    rows = model.read_rows()
    writers = sorted({r["writer"] for r in rows if r.get("writer")})
    out: dict[str, Report] = {}
    for w in writers:
        train = [r for r in rows if r.get("writer") != w]
        test = [r for r in rows if r.get("writer") == w]
        held = model.RiskModel(train_rows(NORMALISER.text, train))
        out[w] = evaluate(test, screen_with(held))
    return out


def pooled(reports: dict[str, Report]) -> Report:
    total = Report()
    for r in reports.values():
        for measure, groups in r.cells.items():
            for g, t in groups.items():
                cell = total.cells.setdefault(measure, {}).setdefault(g, type(t)())
                cell.total += t.total
                cell.flagged += t.flagged
        total.errors += r.errors
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args(argv)
    reports = folds()
    for w, r in reports.items():
        print(f"## held out: {w}")
        print("\n".join(line for line in r.lines() if " all " in f" {line} "))
    print("## pooled over the held-out writers")
    print("\n".join(pooled(reports).lines(show_errors=args.errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
