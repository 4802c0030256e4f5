"""The statistical forecast: no look-ahead, ordered quantiles, complete totals, its JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import pytest
from lookahead import capex_times_ten_after
from typer.testing import CliRunner

from jevons._forecast import data as forecast_data
from jevons._forecast.data import COMPANIES, collect
from jevons._forecast.model import fit, simulate
from jevons._forecast.result import KEYS
from jevons._forecast.run import forecast, forecast_panel
from jevons.cli import app
from jevons.quarters import fiscal_quarters, quarter_end, quarter_index

runner = CliRunner()
PATHS = 300


def _poison(monkeypatch: pytest.MonkeyPatch, cutoff: date) -> None:
    """Every ledger value of a period ending after ``cutoff`` and every plan announced after it,
    multiplied by ten, before the forecast module reads them."""
    real_capex, real_guidance = forecast_data.capex, forecast_data.guidance

    def guidance(*args: Any, **kwargs: Any) -> Any:
        result = real_guidance(*args, **kwargs)
        rows = tuple(
            replace(r, guide_point_usd=r.guide_point_usd * 10)
            if r.guide_point_usd is not None and r.announced_on > cutoff
            else r
            for r in result.rows
        )
        return replace(result, rows=rows)

    monkeypatch.setattr(forecast_data, "capex", capex_times_ten_after(real_capex, cutoff))
    monkeypatch.setattr(forecast_data, "guidance", guidance)


@pytest.mark.parametrize("origin", ["2022Q4", "2024Q2", "2025Q3", "2026Q1"])
def test_no_look_ahead(monkeypatch: pytest.MonkeyPatch, origin: str) -> None:
    clean = collect()
    first, fit_first = forecast_panel(clean, origin=origin, seed=5, paths=PATHS)
    _poison(monkeypatch, quarter_end(origin))
    poisoned = collect()
    second, fit_second = forecast_panel(poisoned, origin=origin, seed=5, paths=PATHS)
    assert fit_first == fit_second
    assert first.to_dict() == second.to_dict()
    for name, values in first.samples.items():
        assert np.array_equal(values, second.samples[name]), name
    # The poison is real: one quarter later the forecast sees it and moves.
    later = f"{int(origin[:4]) + (origin[5] == '4')}Q{int(origin[5]) % 4 + 1}"
    moved, _ = forecast_panel(poisoned, origin=later, seed=5, paths=PATHS)
    kept, _ = forecast_panel(clean, origin=later, seed=5, paths=PATHS)
    assert moved.to_dict()["series"] != kept.to_dict()["series"]


def test_plans_enter_once_a_beat_ratio_can_be_estimated() -> None:
    panel = collect()
    before, fit_before = forecast_panel(panel, origin="2025Q2", paths=PATHS)
    after, fit_after = forecast_panel(panel, origin="2026Q1", paths=PATHS)
    assert fit_before.beat is None and not before.plans_used
    assert fit_after.beat is not None and fit_after.beat.n >= 4
    assert {p["plan"] for p in after.plans_used} == {"CY2026"}


def test_quantiles_ordered_and_through_2027q4() -> None:
    result = forecast(paths=PATHS)
    doc = result.to_dict()
    for name, series in doc["series"].items():
        assert series["periods"][-1] == "2027Q4", name
        arrays = np.array([series[k] for k in KEYS])
        assert np.all(np.diff(arrays, axis=0) >= 0), name
        assert np.all(arrays > 0)
        assert all(len(series[k]) == len(series["periods"]) for k in KEYS)


def test_total_starts_where_every_company_is_reported_or_forecast() -> None:
    result = forecast(paths=PATHS)
    total = result.series["total"]
    firsts = {t: result.series[t].periods[0] for t in COMPANIES}
    assert total.periods[0] == min(firsts.values(), key=quarter_index)
    for period, who in zip(total.periods, total.forecast, strict=True):
        expected = [t for t in COMPANIES if quarter_index(period) >= quarter_index(firsts[t])]
        assert list(who) == expected
    # A quarter with one company reported and others forecast is flagged, not passed as actual.
    assert 0 < len(total.forecast[0]) < len(COMPANIES)


def test_forecast_json_contract() -> None:
    result = runner.invoke(app, ["forecast", "--format", "json", "--paths", str(PATHS)])
    assert result.exit_code == 0, result.stdout
    doc = json.loads(result.stdout)
    assert doc["basis"] == "gross" and doc["origin"] == "2026Q2"
    assert set(doc["series"]) == {"total", *COMPANIES}
    for series in doc["series"].values():
        assert {"periods", *KEYS} <= set(series)
        assert all(len(p) == 6 and p[4] == "Q" for p in series["periods"])


def test_forecast_is_seeded() -> None:
    a = forecast(paths=PATHS, seed=1).to_dict()
    assert a == forecast(paths=PATHS, seed=1).to_dict()
    assert (
        a["series"]["total"]["p50"]
        != forecast(paths=PATHS, seed=2).to_dict()["series"]["total"]["p50"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forecast", "--origin", "2019Q1"], "out of range"),
        (["forecast", "--origin", "2030Q1"], "out of range"),
        (["forecast", "--origin", "2024Q9"], "not a calendar quarter"),
        (["forecast", "--horizon-to", "2020Q1"], "must be 1 to"),
        (["backtest", "--rolling", "--cutoff", "2024-12-31"], "give no --cutoff"),
        (["backtest"], "needs a --cutoff date"),
    ],
)
def test_bad_input_is_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    text = (result.stdout + result.stderr).strip()
    assert message in text
    assert len(text.splitlines()) == 1
    assert "Traceback" not in text


def _fiscal_first(label: str, fy_end_month: int) -> bool:
    """Whether a calendar quarter is the first quarter of its company's fiscal year."""
    return (quarter_index(label) - (fy_end_month - 1) // 3) % 4 == 1


@pytest.mark.parametrize("origin", ["2023Q4", "2024Q4", "2025Q3", "2026Q2"])
def test_no_sawtooth_at_the_turn_of_the_year(origin: str) -> None:
    """A forecast first quarter of a (fiscal) year is not far below the forecast last quarter
    before it, unless the company's own history up to the origin shows such a drop: the threshold is the
    smaller of 0.75 and the lowest first-quarter/previous-quarter ratio ever reported."""
    panel = collect()
    result, _ = forecast_panel(panel, origin=origin, paths=PATHS)
    seen = panel.at(quarter_end(origin))
    gross = seen.quarters["gross"]
    months = dict(seen.fiscal_year_end_month)
    reported_total = {
        k: sum(gross[t][k][1] or 0.0 for t in COMPANIES)
        for k in gross["AMZN"]
        if all(gross[t].get(k, (None, None))[1] for t in COMPANIES)
    }
    histories = {t: {k: v for k, (_, v) in gross[t].items() if v} for t in COMPANIES}
    histories["total"] = reported_total
    months["total"] = 12
    checked = 0
    for name, history in histories.items():
        ratios = [
            v / history[prev]
            for k, v in history.items()
            if _fiscal_first(k, months[name])
            and (prev := f"{int(k[:4]) - (k[5] == '1')}Q{(int(k[5]) + 2) % 4 + 1}") in history
        ]
        threshold = min([0.75, *ratios])
        band = result.series[name]
        p50 = dict(zip(band.periods, band.quantiles["p50"], strict=True))
        for period, value in p50.items():
            if not _fiscal_first(period, months[name]):
                continue
            prev = f"{int(period[:4]) - (period[5] == '1')}Q{(int(period[5]) + 2) % 4 + 1}"
            if prev not in p50:
                continue  # the last quarter before is reported: not the forecast's own shape
            before = p50[prev]
            assert value >= threshold * before, (name, period, value / before, threshold)
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("origin", ["2022Q4", "2024Q2", "2026Q2"])
def test_quarters_sum_to_the_annual_path(origin: str) -> None:
    """On every path, a fiscal year's reported quarters plus its forecast quarters equal the
    year's simulated annual total, for every year wholly inside the horizon."""
    when = quarter_end(origin)
    seen = collect().at(when)
    fitted = fit(seen, when)
    sim = simulate(seen, fitted, when, horizon_to="2027Q4", paths=PATHS, seed=3)
    end = quarter_index("2027Q4")
    checked = 0
    for t in COMPANIES:
        years, annual = sim.annual[t]
        month = seen.fiscal_year_end_month[t]
        reported = seen.quarters["gross"][t]
        for j, year in enumerate(years):
            quarters = fiscal_quarters(year, month)
            if quarter_index(quarters[-1]) > end:
                continue
            total = np.zeros(PATHS)
            for k in quarters:
                if k in sim.periods[t]:
                    total += sim.gross[t][:, sim.periods[t].index(k)]
                else:
                    total += reported[k][1] or 0.0
            np.testing.assert_allclose(total, annual[:, j], rtol=1e-12)
            assert np.all(sim.gross[t] > 0)
            checked += 1
    assert checked >= len(COMPANIES)
