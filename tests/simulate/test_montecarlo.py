"""Monte Carlo, calibration, backtest and sensitivity on the shipped data and scenarios."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from typer.testing import CliRunner

from jevons._simulate import history
from jevons._simulate.backtest import backtest
from jevons._simulate.calibrate import FITTED, TOLERANCE_MAPE, calibrate, state_at
from jevons._simulate.montecarlo import simulate
from jevons._simulate.parameters import REGISTRY
from jevons._simulate.sensitivity import CALIBRATED, calibrated_ranges, sensitivity
from jevons.cli import app
from jevons.errors import InputDataError, UsageError

runner = CliRunner()


def test_same_seed_same_numbers_and_json_contract() -> None:
    a = simulate("deepseek-shock", paths=3000, seed=5).to_dict()
    b = simulate("deepseek-shock", paths=3000, seed=5).to_dict()
    c = simulate("deepseek-shock", paths=3000, seed=6).to_dict()
    assert a == b and a != c
    assert {"scenario", "seed", "paths", "periods", "series"} <= set(a)
    assert a["periods"][0] == "2025Q1" and len(a["periods"]) == 12
    assert set(a["series"]) == {
        "capex_usd",
        "capacity",
        "price",
        "demand",
        "spending_usd",
        "utilization",
        "revenue_usd",
    }
    for qs in a["series"].values():
        assert set(qs) == {"p05", "p25", "p50", "p75", "p95"}
        lo, hi = np.array(qs["p05"]), np.array(qs["p95"])
        assert np.all(lo <= np.array(qs["p50"])) and np.all(np.array(qs["p50"]) <= hi)


def test_events_and_shock_direction() -> None:
    base = simulate("baseline", paths=4000, seed=1, events=["utilization in 2025Q1 < 2"])
    shock = simulate("deepseek-shock", paths=4000, seed=1)
    assert base.events["utilization in 2025Q1 < 2"] == 1.0
    # A tenfold efficiency gain in 2025Q1 cuts the price index by ten in that quarter ...
    assert shock.series["price"]["p50"][0] == pytest.approx(base.series["price"]["p50"][0] / 10)
    # ... and with elastic demand, more capex follows by 2027.
    assert shock.series["capex_usd"]["p50"][-1] > base.series["capex_usd"]["p50"][-1]


def test_bad_simulation_input() -> None:
    with pytest.raises(UsageError, match="`paths` must be"):
        simulate("baseline", paths=0)
    with pytest.raises(UsageError, match="unknown scenario"):
        simulate("no-such-scenario")


def test_calibration_reproduces_history_within_tolerance() -> None:
    cal = calibrate()
    assert cal.within_tolerance and cal.mape <= TOLERANCE_MAPE
    assert cal.quarters[0] == "2022Q1" and cal.simulated[0] == cal.actual[0]
    # The registry's calibrated defaults are this fit (rounded), and the start state is its
    # state in 2024Q4.
    for name in FITTED:
        if name != "demand_ratio0":
            assert REGISTRY[name].default == pytest.approx(cal.fitted[name], abs=2e-3), name
    ratio, growth = state_at(cal, "2024Q4")
    assert REGISTRY["demand_ratio0"].default == pytest.approx(ratio, abs=2e-3)
    assert REGISTRY["revenue_growth0"].default == pytest.approx(growth, abs=2e-3)


def test_backtest_scores_and_no_look_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    cutoff = date(2024, 12, 31)
    first = backtest(cutoff, paths=2000, seed=3)
    methods = {s.method for s in first.scores}
    assert methods == {"model", "naive_last_value", "naive_last_year_growth", "guidance"}
    assert first.quarters == ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
    model = next(s for s in first.scores if s.method == "model")
    assert model.mape is not None and model.coverage_90 is not None

    real = history.capex

    def doctored(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        """The same ledger with every value after the cutoff multiplied by ten."""
        from dataclasses import replace

        result = real(*args, **kwargs)  # type: ignore[arg-type]
        records = tuple(
            replace(r, value_usd=r.value_usd * 10)
            if r.value_usd is not None and r.period_end > cutoff
            else r
            for r in result.records
        )
        return replace(result, records=records)

    monkeypatch.setattr(history, "capex", doctored)
    second = backtest(cutoff, paths=2000, seed=3)
    assert second.calibration.fitted == first.calibration.fitted
    assert model.forecast_usd == next(s for s in second.scores if s.method == "model").forecast_usd
    assert second.actual_usd == tuple(10 * v for v in first.actual_usd)  # only the scoring saw it


def test_backtest_needs_actuals() -> None:
    with pytest.raises(InputDataError, match="choose an earlier cutoff"):
        backtest(date(2026, 9, 30), paths=100)


def test_sensitivity_ranks_the_assumptions() -> None:
    result = sensitivity("deepseek-shock", output="capex_2027", n=256, seed=2)
    names = [i.parameter for i in result.indices]
    # The scenario's distributions and the calibrated parameters, each range stated.
    assert set(names) == {"elasticity", "hw_decline", "algo_gain", *CALIBRATED}
    assert set(result.to_dict()["ranges"]) == set(names)
    assert "refits" in result.ranges["growth_response"]
    assert result.ranges["elasticity"] == "the scenario's uniform(low=-2.4, high=-0.3)"
    totals = [i.st for i in result.indices]
    assert totals == sorted(totals, reverse=True) and totals[0] > 0.1
    # With the inelastic region in the prior, the shock's capex turns on the elasticity.
    assert result.indices[0].parameter == "elasticity"
    # A scenario that fixes the rule (capex-freeze) keeps it fixed.
    frozen = sensitivity("capex-freeze", output="capex_2027", n=64, seed=2)
    assert {"capex_drift", "util_response", "growth_response"}.isdisjoint(frozen.ranges)
    assert {"demand_growth", "demand_ratio0"} <= set(frozen.ranges)
    with pytest.raises(UsageError, match="nothing to vary"):
        sensitivity(_fixed_scenario(), output="capex_2027")
    with pytest.raises(UsageError, match="OUTPUT_PERIOD"):
        sensitivity("baseline", output="capex")


def _fixed_scenario():  # type: ignore[no-untyped-def]
    from jevons._simulate.scenarios import parse_scenario

    rule = "".join(f"{name} = {REGISTRY[name].default}\n" for name in CALIBRATED)
    text = f'name = "fixed"\nstart = "2025Q1"\nhorizon = 12\n[parameters]\n{rule}'
    return parse_scenario(text, "fixed.toml", "fixed")


def test_cli_simulate_sensitivity_backtest(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = runner.invoke(
        app, ["simulate", "deepseek-shock", "--paths", "2000", "--seed", "4", "--format", "json"]
    )
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["paths"] == 2000
    r = runner.invoke(app, ["sensitivity", "baseline", "--n", "64", "-f", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["ranking"]
    r = runner.invoke(app, ["backtest", "--cutoff", "2024-12-31", "--paths", "500"])
    assert r.exit_code == 0 and "naive_last_value" in r.stdout and "guidance" in r.stdout
    r = runner.invoke(app, ["scenarios", "show", "baseline"])
    assert r.exit_code == 0 and 'name = "baseline"' in r.stdout
    own = tmp_path / "mine.toml"
    own.write_text(r.stdout.replace('name = "baseline"', 'name = "mine"'))
    r = runner.invoke(app, ["simulate", str(own), "--paths", "500", "-f", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["scenario"] == "mine"
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nstart = "2025Q1"\nhorizon = 4\n[parameters]\nlead_time = -1\n')
    r = runner.invoke(app, ["simulate", str(bad)])
    assert r.exit_code != 0 and "lead_time" in r.stderr and len(r.stderr.splitlines()) == 1
    r = runner.invoke(app, ["backtest", "--cutoff", "soon"])
    assert r.exit_code == 2 and "--cutoff 'soon'" in r.stderr


def test_capex_split_by_company_shares() -> None:
    result = simulate("baseline", paths=2000, seed=1, by_company=True)
    assert result.by_company is not None and result.shares is not None
    shares = result.shares["shares"]
    assert isinstance(shares, dict) and set(shares) == {"AMZN", "GOOGL", "META", "MSFT"}
    assert sum(shares.values()) == pytest.approx(1.0)
    # 2024 gross: Amazon 82,999 of 228,342 ($M) across the four.
    assert shares["AMZN"] == pytest.approx(82_999 / 228_342, rel=1e-6)
    total = result.series["capex_usd"]["p50"]
    parts = [result.by_company[t]["p50"] for t in shares]
    assert np.allclose(np.sum(parts, axis=0), total)
    assert "capex_by_company" in result.to_dict()


def test_cli_sweep_and_dask_engine() -> None:
    r = runner.invoke(
        app,
        [
            "sweep",
            "deepseek-shock",
            "--grid",
            "elasticity=-0.5,-1.5",
            "--grid",
            "shock_factor=1,10",
            "--paths",
            "2000",
            "-f",
            "json",
        ],
    )
    assert r.exit_code == 0, r.stderr
    points = json.loads(r.stdout)["points"]
    assert len(points) == 4
    r = runner.invoke(app, ["sweep", "baseline", "--grid", "elasticity"])
    assert r.exit_code == 2 and "is not NAME=V1,V2" in r.stderr
    local = runner.invoke(app, ["simulate", "deepseek-shock", "--paths", "3000", "-f", "json"])
    dask = runner.invoke(
        app,
        [
            "simulate",
            "deepseek-shock",
            "--paths",
            "3000",
            "--engine",
            "dask",
            "--workers",
            "1",
            "-f",
            "json",
        ],
    )
    assert dask.exit_code == 0, dask.stderr
    assert json.loads(dask.stdout)["series"] == json.loads(local.stdout)["series"]
    r = runner.invoke(app, ["simulate", "baseline", "--engine", "ray"])
    assert r.exit_code == 2 and "'ray' is not one of 'local', 'dask'" in r.stderr


def test_calibrated_ranges_span_the_refits() -> None:
    ranges = calibrated_ranges()
    assert set(ranges) == set(CALIBRATED)
    full = calibrate()
    for name, found in ranges.items():
        assert found.cutoffs[0] == "2023Q4" and found.cutoffs[-1] == full.quarters[-1]
        assert found.low == min(found.values) and found.high == max(found.values)
        if name != "demand_ratio0":
            # The last refit is the full calibration, whose values are the registry defaults.
            assert found.values[-1] == pytest.approx(full.fitted[name])
            assert found.low <= REGISTRY[name].default + 2e-3
            assert REGISTRY[name].default - 2e-3 <= found.high
    # The start state the baseline uses (the full run's state in 2024Q4) lies inside the range.
    ratio = ranges["demand_ratio0"]
    assert ratio.low <= REGISTRY["demand_ratio0"].default <= ratio.high
