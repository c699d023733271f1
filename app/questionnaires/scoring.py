"""Scoring, as each instrument's authors publish it: pure functions over the data file.

An instrument names its rule in instruments.json. "sum" adds the scored items and
names the band the total falls in (PHQ-9, GAD-7, PCL-5); the other rules are here,
each written once. Sources are in docs/measurement.md:
- PHQ-9: Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-13 (bands 5/10/15/20).
- GAD-7: Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092-7 (bands 5/10/15).
- PCL-5: Weathers et al. 2013, National Center for PTSD; provisional cut-off 31-33
  (Bovin et al., Psychol Assess 2016;28:1379-91).
- C-SSRS screener: Columbia Lighthouse Project, "Screen Version - Recent" with triage
  (all no: none; yes to 1-2 low; yes to 3 or behaviour over 3 months ago moderate;
  yes to 4, 5 or behaviour in the past 3 months high).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.questionnaires.instruments import Band, Instrument, get_instrument, unanswered

Answers = Mapping[str, int | str]


@dataclass(frozen=True)
class Result:
    score: int | None
    severity: str
    # Instrument-specific facts worth showing (e.g. the PCL-5 cut-off).
    flags: tuple[str, ...] = ()


def band_of(bands: tuple[Band, ...], score: int) -> str:
    for band in bands:
        if band.low <= score <= band.high:
            return band.label
    raise ValueError(f"score {score} is outside every band")


def _sum(instrument: Instrument, answers: Answers) -> Result:
    total = sum(int(answers[k]) for k in instrument.scored_items if k in answers)
    marks = tuple(m.label for m in instrument.markers if m.low <= total <= m.high)
    return Result(total, band_of(instrument.bands, total), marks)


def _cssrs_screener(instrument: Instrument, answers: Answers) -> Result:
    """Risk by the Columbia screener's triage: the highest level any yes reaches.

    Every yes counts, even to a follow-up that was not asked: behaviour "within the
    past three months" is recent behaviour whatever item 6 said."""

    def yes(item: str) -> bool:
        return answers.get(item) == 1

    recent = yes("cssrs_6_recent")
    behaviour = yes("cssrs_6") or recent
    if yes("cssrs_4") or yes("cssrs_5") or recent:
        level = "high"
    elif yes("cssrs_3") or behaviour:
        level = "moderate"
    elif yes("cssrs_1") or yes("cssrs_2"):
        level = "low"
    else:
        level = "none"
    # The count of yes answers is a convenience for charts, not a validated score.
    count = sum(1 for k in ("cssrs_1", "cssrs_2", "cssrs_3", "cssrs_4", "cssrs_5") if yes(k))
    return Result(count + behaviour, level)


def _worst_rating(instrument: Instrument, answers: Answers) -> Result:
    """The worst rating names the result; the total is for charts."""
    ratings = [int(answers[k]) for k in instrument.scored_items]
    return Result(sum(ratings), instrument.levels[max(ratings)])


def _daily_check_in(instrument: Instrument, answers: Answers) -> Result:
    """The mood is the score (for the chart); C-SSRS items 1-2 name the level."""
    mood = sum(int(answers[k]) for k in instrument.scored_items if k in answers)
    wish, thoughts = answers.get("check_in_1") == 1, answers.get("check_in_2") == 1
    return Result(mood, instrument.levels[1] if wish or thoughts else instrument.levels[0])


RULES: dict[str, Callable[[Instrument, Answers], Result]] = {
    "sum": _sum,
    "cssrs_screener": _cssrs_screener,
    "worst_rating": _worst_rating,
    "daily_check_in": _daily_check_in,
}


def score(code: str, answers: Answers) -> Result:
    """A follow-up left out although its condition was met (C-SSRS items 3-5 after a
    yes to item 2) is scored as its riskiest answer: an incomplete screen never
    scores lower than a complete one could (docs/measurement.md)."""
    instrument = get_instrument(code)
    return RULES[instrument.rule](instrument, {**answers, **unanswered(instrument, answers)})


def change_pct(baseline: int | None, latest: int | None) -> float | None:
    """Change from baseline in percent (negative = improvement); None without a base."""
    if baseline is None or latest is None or baseline == 0:
        return None
    return round((latest - baseline) * 100 / baseline, 1)


def is_response(baseline: int | None, latest: int | None) -> bool:
    """Treatment response: a drop of 50 % or more from baseline."""
    if baseline is None or latest is None or baseline == 0:
        return False
    return latest <= baseline / 2


def is_remission(code: str, latest: int | None) -> bool:
    """Remission: below the instrument's limit (PHQ-9 < 5, GAD-7 < 5); else none."""
    limit = get_instrument(code).remission_below
    return limit is not None and latest is not None and latest < limit
