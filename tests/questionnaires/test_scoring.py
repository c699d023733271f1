"""Scoring and bands as the instruments' authors publish them (pure functions)."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.questionnaires import scoring
from app.questionnaires.instruments import Band, catalogue, check_answers


def _choice_answers(code: str) -> st.SearchStrategy[dict[str, int]]:
    items = [i for i in catalogue()[code].items if i.type == "choice" and i.enable_when is None]
    return st.fixed_dictionaries({i.id: st.sampled_from(sorted(i.values)) for i in items})


def _bands_cover(bands: tuple[Band, ...], lo: int, hi: int) -> None:
    assert bands[0].low == lo and bands[-1].high == hi
    for a, b in itertools.pairwise(bands):
        assert b.low == a.high + 1  # no gap, no overlap


def test_phq9_bands_cover_0_to_27_without_gaps() -> None:
    _bands_cover(catalogue()["phq9"].bands, 0, 27)


def test_gad7_bands_cover_0_to_21_without_gaps() -> None:
    _bands_cover(catalogue()["gad7"].bands, 0, 21)


def test_pcl5_bands_cover_0_to_80_without_gaps() -> None:
    _bands_cover(catalogue()["pcl5"].bands, 0, 80)


@given(_choice_answers("phq9"))
def test_every_phq9_answer_scores_within_range_and_in_a_band(answers: dict[str, int]) -> None:
    result = scoring.score("phq9", check_answers(catalogue()["phq9"], answers))
    assert result.score is not None and 0 <= result.score <= 27
    assert result.severity == scoring.band_of(catalogue()["phq9"].bands, result.score)


@given(_choice_answers("gad7"))
def test_every_gad7_answer_scores_within_range_and_in_a_band(answers: dict[str, int]) -> None:
    result = scoring.score("gad7", check_answers(catalogue()["gad7"], answers))
    assert result.score is not None and 0 <= result.score <= 21
    assert result.severity in {b.label for b in catalogue()["gad7"].bands}


@given(_choice_answers("pcl5"))
def test_every_pcl5_answer_scores_within_range_and_flags_the_cutoff(
    answers: dict[str, int],
) -> None:
    result = scoring.score("pcl5", check_answers(catalogue()["pcl5"], answers))
    assert result.score is not None and 0 <= result.score <= 80
    assert ("at_or_above_provisional_cutoff" in result.flags) == (result.score >= 31)


@given(_choice_answers("after_effects"))
def test_every_after_effects_answer_is_named_by_its_worst_rating(answers: dict[str, int]) -> None:
    result = scoring.score("after_effects", check_answers(catalogue()["after_effects"], answers))
    assert result.severity == catalogue()["after_effects"].levels[max(answers.values())]
    assert result.score is not None and 0 <= result.score <= 15


@st.composite
def _cssrs(draw: st.DrawFn) -> dict[str, int]:
    yn = st.sampled_from([0, 1])
    out = {"cssrs_1": draw(yn), "cssrs_2": draw(yn), "cssrs_6": draw(yn)}
    if out["cssrs_2"] == 1:
        out |= {"cssrs_3": draw(yn), "cssrs_4": draw(yn), "cssrs_5": draw(yn)}
    if out["cssrs_6"] == 1:
        out["cssrs_6_recent"] = draw(yn)
    return out


@given(_cssrs())
def test_every_cssrs_answer_gets_the_columbia_triage_level(answers: dict[str, int]) -> None:
    result = scoring.score("cssrs_screener", check_answers(catalogue()["cssrs_screener"], answers))
    yes = {k for k, v in answers.items() if v == 1}
    if yes & {"cssrs_4", "cssrs_5"} or {"cssrs_6", "cssrs_6_recent"} <= yes:
        assert result.severity == "high"
    elif "cssrs_3" in yes or "cssrs_6" in yes:
        assert result.severity == "moderate"
    elif yes & {"cssrs_1", "cssrs_2"}:
        assert result.severity == "low"
    else:
        assert result.severity == "none"


# Worked examples. Source: Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of
# a brief depression severity measure. J Gen Intern Med 2001;16:606-13, Table 3
# (scores 5, 10, 15 and 20 are the lower edges of mild, moderate, moderately severe
# and severe), and the PHQ-9 instruction manual (phqscreeners.com): "add up the
# scores of each column" - e.g. 3 "several days" + 2 "more than half" + 1 "nearly
# every day" = 3x1 + 2x2 + 1x3 = 10, moderate.
@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((0,) * 9, 0, "minimal"),
        ((1, 1, 1, 2, 2, 3, 0, 0, 0), 10, "moderate"),
        ((1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "mild"),
        ((2, 2, 2, 2, 2, 2, 2, 1, 0), 15, "moderately_severe"),
        ((3, 3, 3, 3, 2, 2, 2, 2, 0), 20, "severe"),
        ((3,) * 9, 27, "severe"),
    ],
)
def test_phq9_worked_examples_from_kroenke_2001(
    values: tuple[int, ...], total: int, band: str
) -> None:
    result = scoring.score("phq9", {f"phq9_{i}": v for i, v in enumerate(values, 1)})
    assert (result.score, result.severity) == (total, band)


# Source: Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing
# generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092-7 - cut-points
# 5, 10 and 15 for mild, moderate and severe anxiety.
@pytest.mark.parametrize(
    ("values", "total", "band"),
    [
        ((1, 1, 1, 1, 0, 0, 0), 4, "minimal"),
        ((1, 1, 1, 1, 1, 0, 0), 5, "mild"),
        ((2, 2, 2, 2, 2, 0, 0), 10, "moderate"),
        ((3, 3, 3, 2, 2, 1, 1), 15, "severe"),
    ],
)
def test_gad7_worked_examples_from_spitzer_2006(
    values: tuple[int, ...], total: int, band: str
) -> None:
    result = scoring.score("gad7", {f"gad7_{i}": v for i, v in enumerate(values, 1)})
    assert (result.score, result.severity) == (total, band)


# Source: National Center for PTSD, "Using the PTSD Checklist for DSM-5 (PCL-5)"
# (2013, rev.): total = sum of the 20 items (0-80); a cut-point of 31-33 suggests
# probable PTSD (Bovin et al. 2016).
def test_pcl5_total_of_32_is_inside_the_provisional_cutoff_range() -> None:
    answers = {f"pcl5_{i}": 2 for i in range(1, 17)} | {f"pcl5_{i}": 0 for i in range(17, 21)}
    result = scoring.score("pcl5", answers)
    assert result.score == 32
    assert "within_cutoff_range_31_33" in result.flags


# Source: Columbia Lighthouse Project, C-SSRS Screen Version - Recent, triage: yes to
# question 6 with behaviour over 3 months ago is moderate risk, within 3 months high.
def test_cssrs_behaviour_recency_decides_between_moderate_and_high() -> None:
    old = scoring.score(
        "cssrs_screener", {"cssrs_1": 0, "cssrs_2": 0, "cssrs_6": 1, "cssrs_6_recent": 0}
    )
    recent = scoring.score(
        "cssrs_screener", {"cssrs_1": 0, "cssrs_2": 0, "cssrs_6": 1, "cssrs_6_recent": 1}
    )
    assert (old.severity, recent.severity) == ("moderate", "high")


def test_response_is_a_drop_of_half_or_more_and_remission_is_below_5() -> None:
    assert scoring.is_response(20, 10) and not scoring.is_response(20, 11)
    assert scoring.is_remission("phq9", 4) and not scoring.is_remission("phq9", 5)
    assert scoring.change_pct(20, 10) == -50.0


CSSRS = catalogue()["cssrs_screener"]


def test_a_yes_to_a_cssrs_item_that_was_not_asked_is_kept_and_scored() -> None:
    # Item 2 "no" means items 3-5 are not asked; a yes sent anyway is never thrown away.
    clean = check_answers(CSSRS, {"cssrs_1": 1, "cssrs_2": 0, "cssrs_3": 1, "cssrs_6": 0})
    assert clean["cssrs_3"] == 1
    assert scoring.score("cssrs_screener", clean).severity == "moderate"
    # A "no" to a question not asked tells nothing and is not stored.
    assert "cssrs_4" not in check_answers(
        CSSRS, {"cssrs_1": 0, "cssrs_2": 0, "cssrs_4": 0, "cssrs_6": 0}
    )


@pytest.mark.parametrize(
    "left_out", [("cssrs_3",), ("cssrs_4", "cssrs_5"), ("cssrs_3", "cssrs_4", "cssrs_5")]
)
def test_follow_ups_left_out_after_a_yes_to_item_2_score_as_yes(left_out: tuple[str, ...]) -> None:
    """An incomplete screen never scores lower than a complete one could."""
    whole = {"cssrs_1": 1, "cssrs_2": 1, "cssrs_3": 0, "cssrs_4": 0, "cssrs_5": 0, "cssrs_6": 0}
    given_ = {k: v for k, v in whole.items() if k not in left_out}
    clean = check_answers(CSSRS, given_)
    assert set(clean) == set(given_)  # stored as answered: nothing made up
    result = scoring.score("cssrs_screener", clean)
    worst = scoring.score("cssrs_screener", whole | dict.fromkeys(left_out, 1))
    assert (result.score, result.severity) == (worst.score, worst.severity)


def test_behaviour_without_its_recency_is_high() -> None:
    clean = check_answers(CSSRS, {"cssrs_1": 0, "cssrs_2": 0, "cssrs_6": 1})
    assert scoring.score("cssrs_screener", clean).severity == "high"


def test_recent_behaviour_is_high_even_when_item_6_said_no() -> None:
    answers = {"cssrs_1": 0, "cssrs_2": 0, "cssrs_6": 0, "cssrs_6_recent": 1}
    result = scoring.score("cssrs_screener", check_answers(CSSRS, answers))
    assert (result.score, result.severity) == (1, "high")


@given(st.data())
def test_no_answer_left_out_scores_lower_than_its_whole_screen(data: st.DataObject) -> None:
    """Any set of C-SSRS answers the schema allows scores at least as high as every
    complete screen that agrees with what was answered."""
    yn = st.sampled_from([0, 1])
    given_ = {"cssrs_1": data.draw(yn), "cssrs_2": data.draw(yn), "cssrs_6": data.draw(yn)}
    for item in ("cssrs_3", "cssrs_4", "cssrs_5", "cssrs_6_recent"):
        if data.draw(st.booleans()):
            given_[item] = data.draw(yn)
    result = scoring.score("cssrs_screener", check_answers(CSSRS, given_))
    order = CSSRS.levels
    asked = {"cssrs_3": 2, "cssrs_4": 2, "cssrs_5": 2, "cssrs_6_recent": 6}
    filled = dict(given_)
    for item, condition in asked.items():
        if given_[f"cssrs_{condition}"] == 1:
            filled.setdefault(item, data.draw(yn))
    whole = scoring.score("cssrs_screener", filled)
    assert order.index(result.severity) >= order.index(whole.severity)
    assert result.score is not None and whole.score is not None
    assert result.score >= whole.score
