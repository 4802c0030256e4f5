"""The telecom test (issue 13): telecom-2000's inputs come from the boom tables by rule, the
calibration sees 1997-1999 only, and the score and finding are computed from the data."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from jevons._simulate import telecom
from jevons._simulate.derived import resolve
from jevons._simulate.distributions import Triangular, Uniform
from jevons._simulate.montecarlo import simulate
from jevons._simulate.parameters import REGISTRY
from jevons._simulate.scenarios import builtin_names, load_scenario
from jevons._simulate.telecom import (
    FIRST_YEAR,
    FIT_YEARS,
    LAST_YEAR,
    calibrate_telecom,
    observed_capex,
    score_paths,
    telecom_parameters,
    telecom_test,
)
from jevons.cli import app
from jevons.errors import DataIntegrityError

PATHS = 400


@pytest.fixture(scope="module")
def run() -> dict[str, object]:
    return simulate("telecom-2000", paths=PATHS, seed=0).to_dict()


def test_the_scenario_loads_over_the_observed_years() -> None:
    s = load_scenario("telecom-2000")
    assert s.periods[0] == f"{FIRST_YEAR}Q1" and s.periods[-1] == f"{LAST_YEAR}Q4"
    assert len(s.compile_events()) == 2


def test_every_input_is_the_rule_applied_to_the_data() -> None:
    values = load_scenario("telecom-2000").parameter_values()
    rules = telecom_parameters()
    for name in ("capex0", "revenue0", "hist_price_decline", "revenue_growth0", "lead_time"):
        assert values[name] == pytest.approx(rules[name].value, rel=1e-3), name
    assert values["capacity0"] == pytest.approx(rules["capacity0"].value, abs=5e-4)
    growth = values["demand_growth"]
    assert isinstance(growth, Triangular)
    want = rules["demand_growth"].value
    assert isinstance(want, dict)
    assert (growth.low, growth.mode, growth.high) == pytest.approx(
        (want["low"], want["mode"], want["high"]), abs=1e-4
    )
    price = values["hw_decline"]
    assert isinstance(price, Uniform)
    bounds = rules["hw_decline"].value
    assert isinstance(bounds, dict)
    assert (price.low, price.high) == pytest.approx((bounds["low"], bounds["high"]), abs=1e-4)
    # The figures the rules read: 1997 capex, traffic 1997-2007, transit $1,200 -> $50.
    assert values["capex0"] == pytest.approx(42.37e9 / 4)
    assert price.low == pytest.approx(math.log(1200 / 50) / 8, abs=1e-4)
    assert price.high == pytest.approx(-math.log(0.3), abs=1e-4)
    assert values["lead_time"] == 10.0  # "2-3 years"
    # The unobserved start state and the speed of expectations are the pre-peak fit's.
    fitted = calibrate_telecom(True).fitted
    assert values["demand_ratio0"] == pytest.approx(fitted["demand_ratio0"], abs=5e-4)
    assert values["expectation_speed"] == pytest.approx(fitted["expectation_speed"], abs=5e-4)
    # The investment rule is the AI calibration's, unchanged.
    for name in ("util_response", "growth_response", "capex_drift", "target_util"):
        assert values[name] == REGISTRY[name].default


def test_the_calibration_reads_only_the_years_before_the_peak() -> None:
    actual = observed_capex().values
    later_changed = {y: v * (10.0 if y not in FIT_YEARS else 1.0) for y, v in actual.items()}
    base = calibrate_telecom(True)
    assert calibrate_telecom(True, tuple(sorted(later_changed.items()))).fitted == base.fitted
    earlier_changed = {y: v * (1.5 if y == 1999 else 1.0) for y, v in actual.items()}
    assert calibrate_telecom(True, tuple(sorted(earlier_changed.items()))).fitted != base.fitted
    assert base.years == FIT_YEARS and base.actual == tuple(actual[y] for y in FIT_YEARS)


def test_the_json_follows_the_simulate_contract_and_carries_the_test(
    run: dict[str, object],
) -> None:
    baseline = simulate("baseline", paths=50, seed=0).to_dict()
    assert set(baseline) <= set(run)  # the same contract, plus the test
    assert len(run["periods"]) == 44  # type: ignore[arg-type]
    observed = run["observed"]
    assert isinstance(observed, dict)
    assert "large carriers only" in observed["scope"]
    assert observed["source_url"].startswith("https://federalreserve.gov/")
    assert observed["values_usd_billion"]["2001"] == 76.99
    assert "large carriers" in str(run["scope"]) and "AWS" not in str(run["scope"])
    simulated = run["simulated_usd_billion"]
    assert isinstance(simulated, dict)
    assert simulated["years"] == [float(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    assert all(
        a <= b <= c for a, b, c in zip(*(simulated[k] for k in ("p05", "p50", "p95")), strict=True)
    )
    score = run["score"]
    assert isinstance(score, dict)
    for key in ("rmse_log_median", "crps_usd_billion", "coverage_90_out_of_sample"):
        assert key in score
    assert score["observed_peak_year"] == 2001
    assert score["observed_fall_within_3_years"] == pytest.approx(40.71 / 76.99 - 1)
    snapshots = run["industry_snapshots"]
    assert isinstance(snapshots, dict) and snapshots["points"]
    points = snapshots["points"]
    assert all("forecast" not in p["note"].lower() for p in points)
    assert {"2000", "2001", "2003"} <= {p["year"] for p in points}
    rhk = [p for p in points if p["series"] == "capex_wireline_service_providers_RHK"]
    assert [p["large_carriers_same_year_usd_billion"] for p in rhk] == [75.66, 76.99]


def test_the_cli_prints_the_test() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["simulate", "telecom-2000", "--paths", "200", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scenario"] == "telecom-2000" and data["finding"]
    table = runner.invoke(app, ["simulate", "telecom-2000", "--paths", "200"])
    assert table.exit_code == 0, table.output
    assert "Telecom test" in table.stdout and "Out of sample" in table.stdout


def test_the_score_is_computed_from_the_observed_series() -> None:
    sc = load_scenario("telecom-2000")
    params = resolve(sc.sample(200, 1), frozenset(sc.parameters))
    actual = observed_capex().values
    base = telecom_test(params, 200).main.score
    shifted = telecom_test(params, 200, observed={y: v * 1.3 for y, v in actual.items()})
    moved = shifted.main.score
    assert moved["rmse_log_median"]["out_of_sample"] != base["rmse_log_median"]["out_of_sample"]
    assert moved["crps_usd_billion"]["out_of_sample"] != base["crps_usd_billion"]["out_of_sample"]
    assert shifted.observed.values[2001] == pytest.approx(76.99 * 1.3)


def test_score_paths_on_a_known_ensemble() -> None:
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    observed = {y: 10.0 + (y - FIRST_YEAR) for y in years}
    observed[2003] = 30.0  # the peak
    observed[2005] = 15.0  # -50% within three years
    exact = np.tile([observed[y] for y in years], (5, 1))
    quantiles, score = score_paths(exact, observed, np.full(5, 0.1))
    assert score["rmse_log_median"]["all_years"] == 0.0
    assert score["crps_usd_billion"]["out_of_sample"] == 0.0
    assert score["simulated_median_peak_year"] == score["observed_peak_year"] == 2003
    assert score["simulated_median_fall_within_3_years"] == pytest.approx(-0.5)
    assert not score["peak_in_window"] and score["collapse_of_a_third"]
    assert score["coverage_90_out_of_sample"] == 1.0
    assert quantiles["p50"][6] == 30.0
    doubled = score_paths(exact * 2, observed, np.full(5, 0.1))[1]
    assert doubled["rmse_log_median"]["all_years"] == pytest.approx(math.log(2))


def test_the_finding_agrees_with_the_numbers(run: dict[str, object]) -> None:
    score = run["score"]
    simulated = run["simulated_usd_billion"]
    assert isinstance(score, dict) and isinstance(simulated, dict)
    p50 = simulated["p50"]
    peak = FIRST_YEAR + int(np.argmax(p50))
    assert score["simulated_median_peak_year"] == peak
    assert score["peak_in_window"] == (2000 <= peak <= 2001)
    k = peak - FIRST_YEAR
    fall = min(p50[k + 1 : k + 4]) / p50[k] - 1
    assert score["simulated_median_fall_within_3_years"] == pytest.approx(fall)
    finding = str(run["finding"])
    assert f"the median peaks in {peak}" in finding
    assert f"falls {-fall:.0%} within three years" in finding
    passed = score["peak_in_window"] and score["collapse_of_a_third"]
    assert ("passes the test" in finding) == passed
    assert ("does not pass the test" in finding) == (not passed)
    naive = run["without_expectations"]
    assert isinstance(naive, dict)
    assert f"peaks in {naive['score']['simulated_median_peak_year']}" in finding
    assert "What the model lacks" in finding


def test_the_ai_scenarios_keep_the_calibrated_rule_unless_they_say_so() -> None:
    assert REGISTRY["expectation_speed"].default == 1.0
    for name in builtin_names():
        speed = load_scenario(name).parameter_values()["expectation_speed"]
        if name in ("telecom-2000", "ai-sticky-expectations"):
            assert speed == 0.0
        else:
            assert speed == 1.0


def test_sticky_expectations_change_the_ai_run() -> None:
    base = simulate("baseline", paths=300, seed=0)
    sticky = simulate("ai-sticky-expectations", paths=300, seed=0)
    assert base.series["spending_usd"] == sticky.series["spending_usd"]  # demand untouched
    assert base.series["capex_usd"]["p50"][0] == sticky.series["capex_usd"]["p50"][0]
    assert base.series["capex_usd"]["p50"][-1] != sticky.series["capex_usd"]["p50"][-1]
    # Expectations that do not follow revenue down keep capex up where revenue disappoints.
    assert sticky.series["capex_usd"]["p05"][-1] > base.series["capex_usd"]["p05"][-1]


def test_a_gap_in_the_capex_series_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = telecom.boom_rows("telecom_boom")
    gappy = tuple(
        r for r in rows if not (r.series == telecom.CAPEX_SERIES and r.period.first == 2003)
    )
    monkeypatch.setattr(telecom, "boom_rows", lambda table: gappy)
    with pytest.raises(DataIntegrityError, match=r"lacks the years \[2003\]"):
        observed_capex()
    monkeypatch.setattr(telecom, "boom_rows", lambda table: ())
    with pytest.raises(DataIntegrityError, match="no rows for series"):
        telecom.traffic()
