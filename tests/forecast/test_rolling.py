"""The rolling-origin backtest: scoring rules, baselines and the JSON contract."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from lookahead import capex_times_ten_after
from typer.testing import CliRunner

from jevons._forecast.rolling import crps, naive_last_value, naive_last_year_growth
from jevons._simulate import history
from jevons._simulate.backtest import simulator_paths
from jevons.cli import app

runner = CliRunner()


def test_crps_of_a_point_is_its_absolute_error() -> None:
    assert crps(10.0, 7.5) == pytest.approx(2.5)
    assert crps(10.0, np.array([13.0])) == pytest.approx(3.0)
    assert crps(4.0, 4.0) == 0.0
    # An ensemble scores better than its worst member and rewards spread around the truth.
    assert crps(10.0, np.array([9.0, 11.0])) < crps(10.0, 9.0)


def test_naive_baselines_on_a_tiny_series() -> None:
    history_ = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert naive_last_value(history_) == [6.0, 6.0, 6.0, 6.0]
    # Rate of the past four quarters: 6 / 2 = 3; each quarter is last year's times 3, and the
    # fourth step reuses the first forecast quarter's year-earlier value (the last actual).
    assert naive_last_year_growth(history_) == pytest.approx([9.0, 12.0, 15.0, 18.0])
    assert naive_last_year_growth([1.0, 2.0, 3.0, 4.0]) is None
    assert naive_last_year_growth([2.0, 1.0, 1.0, 1.0, 4.0], horizon=6) == pytest.approx(
        [2.0, 2.0, 2.0, 8.0, 4.0, 4.0]
    )


def test_simulator_paths_see_nothing_after_the_cutoff(monkeypatch: pytest.MonkeyPatch) -> None:
    cutoff = date(2024, 6, 30)
    quarters, first = simulator_paths(cutoff, paths=200, seed=2)
    monkeypatch.setattr(history, "capex", capex_times_ten_after(history.capex, cutoff))
    again, second = simulator_paths(cutoff, paths=200, seed=2)
    assert quarters == again == ("2024Q3", "2024Q4", "2025Q1", "2025Q2")
    assert np.array_equal(first, second)


def test_rolling_json_contract() -> None:
    result = runner.invoke(app, ["backtest", "--rolling", "--paths", "200", "--format", "json"])
    assert result.exit_code == 0, result.stdout
    doc = json.loads(result.stdout)
    assert len(doc["origins"]) >= 6 and doc["origins"][0] == "2022Q4"
    assert doc["horizon_quarters"] == 4
    methods = {"forecast", "simulator", "naive_last_value", "naive_last_year_growth"}
    assert set(doc["scores"]) == methods
    keys = {"crps", "mape_percent", "coverage_50", "coverage_90", "n"}
    for name, score in doc["scores"].items():
        assert set(score) == keys, name
        assert score["n"] > 0 and score["crps"] > 0
    assert doc["scores"]["forecast"]["n"] == 4 * len(doc["origins"])
    assert doc["scores"]["naive_last_value"]["coverage_90"] is None
    assert 0 <= doc["scores"]["forecast"]["coverage_90"] <= 1
    assert set(doc["annual_scores"]) >= {"forecast", "guidance"}
    assert doc["annual_scores"]["forecast"]["n"] == doc["annual_scores"]["guidance"]["n"]
    for pair in doc["annual_scores"]["pairs"]:  # plans known at the origin, on their own basis
        assert pair["announced_on"] <= _end(pair["origin"])
        assert pair["basis"] == {"AMZN": "net", "GOOGL": "gross", "META": "with_leases"}.get(
            pair["ticker"], pair["basis"]
        )
    annual = doc["annual_scores"]
    assert annual["skipped"] == sum(annual["skipped_reasons"].values())
    assert doc["covariates"]["used"] is False
    assert set(doc["covariates"]["pairs_per_origin"]) == set(doc["origins"])
    assert set(doc["by_company"]) == {"AMZN", "GOOGL", "META", "MSFT"}
    for by_method in doc["by_company"].values():
        assert set(by_method["forecast"]) == keys


def _end(quarter: str) -> str:
    year, q = int(quarter[:4]), int(quarter[5])
    return date(year, 3 * q, 31 if q in (1, 4) else 30).isoformat()
