"""Time-series diagnostics: unit roots, cointegration and Wright's law, on series of known kind."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from jevons._demand.diagnostics import (
    MIN_TEST_N,
    STATIONARY,
    TOO_SHORT,
    TREND_STATIONARY,
    UNIT_ROOT,
    adf_max_lag,
    cointegration_test,
    running_cumulative,
    time_series_diagnostics,
    unit_root_test,
    wright_check,
)
from jevons._demand.elasticity import choose_specification
from jevons.errors import InputDataError, UsageError

N = 120


def test_lag_choice_is_short_for_short_series() -> None:
    assert adf_max_lag(10) == 1  # Schwert's rule would allow 6
    assert adf_max_lag(12) == 2
    assert adf_max_lag(40) == 9
    assert adf_max_lag(100) == 12  # Schwert's rule itself once the series is long
    assert adf_max_lag(4) == 0


@pytest.mark.parametrize("seed", range(5))
def test_unit_root_classes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.arange(N)
    assert unit_root_test(rng.normal(0, 1, N), "noise").conclusion == STATIONARY
    trend = unit_root_test(0.05 * t + rng.normal(0, 0.3, N), "trend")
    assert trend.conclusion == TREND_STATIONARY
    assert trend.pvalue_trend < 0.05 <= trend.pvalue
    walk = unit_root_test(np.cumsum(rng.normal(0, 1, N)), "walk")
    assert walk.conclusion == UNIT_ROOT and "unit root is not rejected" in walk.note


def test_unit_root_on_a_short_or_constant_series_says_so() -> None:
    short = unit_root_test(np.arange(MIN_TEST_N - 1, dtype=float), "x")
    assert short.conclusion == TOO_SHORT and math.isnan(short.pvalue)
    assert "too short to test" in short.note and f"need {MIN_TEST_N}" in short.note
    assert unit_root_test(np.ones(30), "flat").conclusion == TOO_SHORT
    json.dumps(short.to_dict())  # NaN becomes None
    assert short.to_dict()["pvalue"] is None


def test_cointegration_tells_a_real_levels_relation_from_a_spurious_one() -> None:
    found = spurious = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        x = np.cumsum(rng.normal(0, 0.1, N))
        found += bool(cointegration_test(1.0 - 0.7 * x + rng.normal(0, 0.05, N), x).cointegrated)
        y = np.cumsum(rng.normal(0, 0.1, N))
        spurious += bool(cointegration_test(y, x).cointegrated)
    assert found >= 38  # power near 1 on a clean relation
    assert spurious <= 6  # about the 5% size on independent walks
    short = cointegration_test(np.arange(5.0), np.arange(5.0))
    assert short.cointegrated is None and "too short" in short.note


def test_running_cumulative_is_output_before_each_date() -> None:
    assert running_cumulative([1.0, 2.0, 3.0]).tolist() == [0.0, 1.0, 3.0]


def test_wright_check_recovers_the_exponent_and_rejects_an_unrelated_price() -> None:
    rng = np.random.default_rng(0)
    cumulative = 10.0 * 1.3 ** np.arange(30)
    b = math.log2(0.8)
    log_p = 4.0 + b * np.log(cumulative) + rng.normal(0, 0.03, 30)
    fit = wright_check(log_p, cumulative, lower_bound=False)
    assert fit.explains_price and fit.slope == pytest.approx(b, abs=0.02)
    assert fit.progress_ratio == pytest.approx(0.8, abs=0.02)
    assert fit.implied_levels_slope == pytest.approx(1 / b, rel=0.1)
    assert fit.hac_lags == 3 and not fit.cumulative_is_lower_bound  # floor(4 (30/100)^(2/9))
    flat = wright_check(rng.normal(0, 0.3, 30), cumulative, lower_bound=True)
    assert flat.explains_price is False and "does not explain" in flat.note
    assert "lower bound" in flat.note
    rising = wright_check(-b * np.log(cumulative), cumulative, lower_bound=False)
    assert rising.explains_price is False  # a cost that rises with output is not learning
    few = wright_check(log_p[:4], cumulative[:4], lower_bound=False)
    assert few.explains_price is None and "too few" in few.note


def test_time_series_diagnostics_record_and_errors() -> None:
    rng = np.random.default_rng(1)
    price = np.exp(np.cumsum(rng.normal(-0.05, 0.1, 40)))
    quantity = np.exp(np.cumsum(rng.normal(0.1, 0.1, 40)))
    d = time_series_diagnostics(price, quantity)
    assert d.n == 40 and d.wright.cumulative_is_lower_bound
    record = d.to_dict()
    json.dumps(record)
    assert record["log_price"]["series"] == "log price"
    assert len(d.summary().splitlines()) == 4
    with pytest.raises(UsageError):
        time_series_diagnostics(price, quantity[:-1])
    with pytest.raises(UsageError):
        time_series_diagnostics(price, quantity, cumulative=[1.0])
    with pytest.raises(InputDataError):
        time_series_diagnostics([1.0, -1.0], [1.0, 1.0])


def test_the_choice_rules_in_order() -> None:
    rng = np.random.default_rng(2)
    n = 60
    walk = np.exp(np.cumsum(rng.normal(0, 0.1, n)))
    other = np.exp(np.cumsum(rng.normal(0, 0.1, n)))
    stationary = np.exp(rng.normal(0, 0.3, n))
    # Independent walks: not cointegrated, so first differences.
    choice = choose_specification(time_series_diagnostics(walk, other, np.full(n, np.nan)))
    assert choice.specification == "first_difference" and "unit root" in choice.reason
    # Cointegrated walks, price not from cumulative output: levels.
    linked = np.exp(1.0 - 0.7 * np.log(walk) + rng.normal(0, 0.05, n))
    choice = choose_specification(time_series_diagnostics(walk, linked, np.full(n, np.nan)))
    assert choice.specification == "levels" and "cointegrated" in choice.reason
    # Both stationary: levels.
    choice = choose_specification(
        time_series_diagnostics(stationary, np.exp(rng.normal(0, 0.3, n)), np.full(n, np.nan))
    )
    assert choice.specification == "levels" and "stationary" in choice.reason
    # An instrument wins over everything.
    choice = choose_specification(time_series_diagnostics(walk, other), instrument="z")
    assert choice.specification == "iv"
