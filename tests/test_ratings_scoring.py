"""The pure scoring core and periods: thresholds, minimum samples, missing sources, rounding."""

import subprocess
import sys
from datetime import date

import pytest

from kefu.ratings.criteria import BY_CODE, CRITERIA, MEASURES
from kefu.ratings.periods import PeriodError, parse_period, recent_periods
from kefu.ratings.scoring import (
    Observed,
    rate_agent,
    score_criterion,
    score_measure,
    stars_for,
    validate_config,
)


@pytest.mark.parametrize(("value", "stars"), [(0.0, 1), (0.59, 1), (0.60, 2), (0.80, 3), (0.85, 4), (0.93, 5), (1.0, 5)])
def test_higher_is_better_thresholds(value, stars):
    assert stars_for(value, (0.60, 0.75, 0.85, 0.93), True) == stars


@pytest.mark.parametrize(("value", "stars"), [(0.5, 1), (0.20, 2), (0.10, 3), (0.06, 4), (0.0, 5)])
def test_lower_is_better_thresholds(value, stars):
    assert stars_for(value, (0.20, 0.12, 0.06, 0.02), False) == stars


def test_configured_thresholds_replace_the_defaults():
    measure = MEASURES["resolution_rate"]
    observed = Observed(0.80, 50)
    assert score_measure(measure, observed, {}).stars == 3
    config = {"thresholds": {"resolution_rate": [0.5, 0.6, 0.7, 0.8]}}
    assert score_measure(measure, observed, config).stars == 5


def test_below_a_measures_minimum_sample_there_are_no_stars():
    measure = MEASURES["satisfaction"]  # minimum 5 answers
    result = score_measure(measure, Observed(5.0, 4), {})
    assert result.stars is None and result.status == "insufficient" and result.value == 5.0
    assert score_measure(measure, Observed(5.0, 4), {"min_samples": {"satisfaction": 3}}).stars == 5


def test_a_measure_without_a_data_source_gives_no_stars_not_a_guess():
    result = score_measure(MEASURES["qa_fatal"], None, {})
    assert result.stars is None and result.status == "no_source" and result.value is None


def test_criterion_is_the_rounded_mean_of_its_scored_measures():
    solutions = BY_CODE["solutions"]
    both = score_criterion(solutions, {"resolution_rate": Observed(0.95, 40), "reopen_rate": Observed(0.10, 38)}, {})
    assert [m.stars for m in both.measures] == [5, 3] and both.stars == 4
    half = score_criterion(solutions, {"resolution_rate": Observed(0.95, 40), "reopen_rate": Observed(0.07, 38)}, {})
    assert [m.stars for m in half.measures] == [5, 3] and half.stars == 4  # 4.0
    odd = score_criterion(solutions, {"resolution_rate": Observed(0.80, 40), "reopen_rate": Observed(0.05, 38)}, {})
    assert [m.stars for m in odd.measures] == [3, 4] and odd.stars == 4  # 3.5 rounds up
    one = score_criterion(solutions, {"resolution_rate": Observed(0.80, 40)}, {})
    assert one.stars == 3 and one.measures[1].status == "no_source"
    assert score_criterion(solutions, {}, {}).stars is None


def _all_good() -> dict:
    good = {m.code: Observed(1.0 if m.higher_is_better else 0.0, 100) for m in MEASURES.values()}
    good["satisfaction"] = good["survey_attitude"] = Observed(5.0, 100)
    return good


def test_overall_needs_the_minimum_number_of_orders():
    assert rate_agent(_all_good(), 100, {}).stars == 5
    short = rate_agent(_all_good(), 19, {})
    assert short.stars is None and short.status == "insufficient" and short.criteria[0].stars == 5
    assert rate_agent(_all_good(), 5, {"min_sample": 5}).stars == 5


def test_overall_needs_half_the_criteria():
    only_two = {"resolution_rate": Observed(1.0, 100), "first_response_met": Observed(1.0, 100)}
    assert rate_agent(only_two, 100, {}).stars is None
    three = {**only_two, "escalation_rate": Observed(0.0, 100)}
    assert rate_agent(three, 100, {}).stars == 5


def test_every_criterion_of_seed_002_has_five_level_words():
    assert [c.code for c in CRITERIA] == ["solutions", "knowledge", "speed", "attitude", "needs", "errors"]
    assert all(sorted(c.levels) == [1, 2, 3, 4, 5] for c in CRITERIA)


def test_config_validation_names_the_bad_entry():
    assert validate_config({"thresholds": {"resolution_rate": [0.6, 0.7, 0.8, 0.9]}}) == []
    errors = validate_config({"thresholds": {"resolution_rate": [0.9, 0.8, 0.7, 0.6], "nope": [1, 2, 3, 4],
                                             "reopen_rate": [1, 2]}, "min_sample": 0})
    assert any("resolution_rate" in e for e in errors) and any("nope" in e for e in errors)
    assert any("reopen_rate" in e for e in errors) and any("min_sample" in e for e in errors)


def test_periods():
    month = parse_period("2026-02")
    assert (month.kind, month.start, month.end) == ("month", date(2026, 2, 1), date(2026, 3, 1))
    assert parse_period("2026-12").end == date(2027, 1, 1)
    week = parse_period("2026-W01")
    assert week.start == date(2025, 12, 29) and week.end == date(2026, 1, 5)
    quarter = parse_period("2026-Q4")
    assert quarter.start == date(2026, 10, 1) and quarter.end == date(2027, 1, 1)
    assert month.previous().code == "2026-01" and parse_period("2026-01").previous().code == "2025-12"
    assert [p.code for p in recent_periods(parse_period("2026-Q1"), 3)] == ["2025-Q3", "2025-Q4", "2026-Q1"]
    for bad in ("2026-13", "2026-W60", "26-01", "", "2026-Q5"):
        with pytest.raises(PeriodError):
            parse_period(bad)


def test_scoring_core_imports_no_django():
    code = ("import sys; import kefu.ratings.scoring, kefu.ratings.criteria, kefu.ratings.periods; "
            "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
