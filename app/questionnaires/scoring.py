"""Scoring and bands, as each instrument's authors publish them: pure functions.

Sources (also in docs/measurement.md):
- PHQ-9: Kroenke, Spitzer & Williams, J Gen Intern Med 2001;16:606-13 (bands 5/10/15/20).
- GAD-7: Spitzer, Kroenke, Williams & Löwe, Arch Intern Med 2006;166:1092-7 (bands 5/10/15).
- PCL-5: Weathers et al. 2013, National Center for PTSD; provisional cut-off 31-33
  (Bovin et al., Psychol Assess 2016;28:1379-91).
- C-SSRS screener: Columbia Lighthouse Project, "Screen Version - Recent" with triage
  (yes to 1-2 low; yes to 3 or behaviour over 3 months ago moderate; yes to 4, 5 or
  behaviour in the past 3 months high).
"""

from collections.abc import Mapping
from dataclasses import dataclass

Answers = Mapping[str, int | str]


@dataclass(frozen=True)
class Band:
    label: str
    low: int
    high: int


@dataclass(frozen=True)
class Result:
    score: int | None
    severity: str
    # Instrument-specific facts worth showing (e.g. the PCL-5 cut-off).
    flags: tuple[str, ...] = ()


PHQ9_BANDS = (
    Band("minimal", 0, 4),
    Band("mild", 5, 9),
    Band("moderate", 10, 14),
    Band("moderately_severe", 15, 19),
    Band("severe", 20, 27),
)
GAD7_BANDS = (
    Band("minimal", 0, 4),
    Band("mild", 5, 9),
    Band("moderate", 10, 14),
    Band("severe", 15, 21),
)
# The PCL-5 has no official severity bands: below or at/above the provisional cut-off.
PCL5_CUTOFF = 33
PCL5_CUTOFF_RANGE = (31, 33)
PCL5_BANDS = (Band("below_cutoff", 0, PCL5_CUTOFF - 1), Band("probable_ptsd", PCL5_CUTOFF, 80))
AFTER_EFFECT_LEVELS = ("none", "mild", "moderate", "severe")
CSSRS_LEVELS = ("low", "moderate", "high")

RANGES = {"phq9": (0, 27), "gad7": (0, 21), "pcl5": (0, 80), "after_effects": (0, 15)}
BANDS = {"phq9": PHQ9_BANDS, "gad7": GAD7_BANDS, "pcl5": PCL5_BANDS}


def band_of(bands: tuple[Band, ...], score: int) -> str:
    for band in bands:
        if band.low <= score <= band.high:
            return band.label
    raise ValueError(f"score {score} is outside every band")


def _sum(answers: Answers, prefix: str, count: int) -> int:
    return sum(int(answers[f"{prefix}_{i}"]) for i in range(1, count + 1))


def score_phq9(answers: Answers) -> Result:
    total = _sum(answers, "phq9", 9)
    return Result(total, band_of(PHQ9_BANDS, total))


def score_gad7(answers: Answers) -> Result:
    total = _sum(answers, "gad7", 7)
    return Result(total, band_of(GAD7_BANDS, total))


def score_pcl5(answers: Answers) -> Result:
    total = _sum(answers, "pcl5", 20)
    lo, hi = PCL5_CUTOFF_RANGE
    flags: tuple[str, ...] = ("at_or_above_provisional_cutoff",) if total >= lo else ()
    if lo <= total <= hi:
        flags += ("within_cutoff_range_31_33",)
    return Result(total, band_of(PCL5_BANDS, total), flags)


def score_cssrs(answers: Answers) -> Result:
    """Risk by the Columbia screener's triage: the highest level any yes reaches."""

    def yes(item: str) -> bool:
        return answers.get(item) == 1

    behaviour = yes("cssrs_6")
    recent = behaviour and yes("cssrs_6_recent")
    if yes("cssrs_4") or yes("cssrs_5") or recent:
        level = "high"
    elif yes("cssrs_3") or behaviour:
        level = "moderate"
    else:
        level = "low"
    # The count of yes answers is a convenience for charts, not a validated score.
    count = sum(
        1 for k in ("cssrs_1", "cssrs_2", "cssrs_3", "cssrs_4", "cssrs_5", "cssrs_6") if yes(k)
    )
    return Result(count, level)


AE_ITEMS = ("ae_nausea", "ae_dizziness", "ae_headache", "ae_dissociation", "ae_other")


def score_after_effects(answers: Answers) -> Result:
    """The worst rating names the result; the total is for charts."""
    ratings = [int(answers[k]) for k in AE_ITEMS]
    return Result(sum(ratings), AFTER_EFFECT_LEVELS[max(ratings)])


SCORERS = {
    "phq9": score_phq9,
    "gad7": score_gad7,
    "pcl5": score_pcl5,
    "cssrs_screener": score_cssrs,
    "after_effects": score_after_effects,
}


def score(code: str, answers: Answers) -> Result:
    return SCORERS[code](answers)


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


REMISSION_BELOW = {"phq9": 5, "gad7": 5}


def is_remission(code: str, latest: int | None) -> bool:
    """Remission: PHQ-9 < 5 or GAD-7 < 5; other instruments define none here."""
    limit = REMISSION_BELOW.get(code)
    return limit is not None and latest is not None and latest < limit
