"""The shared figures layer: the report and the dashboard draw the same traces from one place."""

from __future__ import annotations

from typing import Any

import pytest

from jevons._capex.guidance import guidance
from jevons._capex.ledger import capex
from jevons._figures.capex import PARTIAL_COLUMN, TOTAL_COLUMN, capex_quarterly, capex_traces
from jevons._figures.fan import ACTUAL_COLUMN, FanColours, fan_traces, quantile_fan
from jevons._figures.layout import quarter_x
from jevons._figures.markers import plan_text
from jevons._simulate.montecarlo import simulate
from jevons._web.figures import capex_figure, fan_figure

COMPANIES = ["AMZN", "GOOGL", "META", "MSFT"]


def _by_column(traces: Any) -> dict[str, Any]:
    return {str(t.meta["column"]): t for t in traces}


def test_quarters_sit_on_their_first_day_or_on_their_label() -> None:
    assert quarter_x(["2025Q1", "2025Q4"], "date") == {
        "x": ["2025-01-01", "2025-10-01"],
        "xperiod": "M3",
        "xperiodalignment": "middle",
    }
    assert quarter_x(["2025Q1"], "category") == {"x": ["2025Q1"]}


def test_the_report_and_the_dashboard_fan_draw_the_same_bands() -> None:
    run = simulate("baseline", paths=200, seed=3)
    report = _by_column(quantile_fan(run.periods, run.series["capex_usd"]).data)
    dashboard = _by_column(fan_figure(run, "capex_usd").data)
    assert set(report) == set(dashboard) == {"p05", "p25", "p50", "p75", "p95"}
    for q in report:
        assert list(report[q].y) == pytest.approx(list(dashboard[q].y))
        assert list(dashboard[q].x) == list(run.periods)
        assert report[q].x[0] == "2025-01-01" == f"{run.periods[0][:4]}-01-01"
    # each band fills from its lower edge up to the upper edge drawn just before it
    order = [t.meta["column"] for t in report.values()]
    assert order == ["p95", "p05", "p75", "p25", "p50"]
    assert [t.fill for t in report.values()] == [None, "tonexty", None, "tonexty", None]


def test_a_fan_shows_the_actual_totals_in_billions() -> None:
    traces = fan_traces(
        ["2025Q1", "2025Q2"],
        {q: [1e11, 2e11] for q in ("p05", "p25", "p50", "p75", "p95")},
        history=[("2024Q4", 7.5e10)],
    )
    actual = _by_column(traces)[ACTUAL_COLUMN]
    assert list(actual.y) == [75.0] and list(actual.x) == ["2024-10-01"]
    assert list(_by_column(traces)["p50"].y) == [100.0, 200.0]


def test_fan_colours_from_one_hue() -> None:
    c = FanColours.from_hex("#0072B2", outer=0.1, inner=0.3)
    assert (c.outer, c.inner, c.median) == ("rgba(0,114,178,0.1)", "rgba(0,114,178,0.3)", "#0072B2")


def test_the_report_and_the_dashboard_capex_charts_draw_the_same_bars() -> None:
    quarters = capex(COMPANIES, basis="gross", freq="quarter")
    totals = capex(COMPANIES, basis="gross", freq="quarter", total=True)
    report = capex_quarterly(quarters.records, totals.records, guidance().rows, basis="gross")
    dashboard = capex_figure(quarters, totals, COMPANIES)
    ours = {k: t for k, t in _by_column(report.data).items() if not k.startswith("plan")}
    theirs = _by_column(dashboard.data)
    assert set(ours) == set(theirs) == {*COMPANIES, TOTAL_COLUMN, PARTIAL_COLUMN}
    for column, trace in ours.items():
        assert list(trace.y) == list(theirs[column].y), column
        assert len(trace.x) == len(theirs[column].x)
    assert theirs[TOTAL_COLUMN].name == "total"
    assert theirs[PARTIAL_COLUMN].name.startswith("incomplete quarter")  # the browser test
    assert ours[TOTAL_COLUMN].name.startswith("Total")
    # the dashboard keeps its own layout: category axis of labels, units for the CSV
    assert dashboard.layout.meta["unit"] == "$B per quarter"
    assert report.layout.xaxis.type == "date"


def test_one_company_has_no_partial_sum_marker() -> None:
    one = capex(["GOOGL"], basis="gross", freq="quarter")
    traces = capex_traces(one.records, (), axis="category")
    assert [t.meta["column"] for t in traces] == ["GOOGL"]


def test_plan_hover_states_the_range_as_the_cli_does() -> None:
    texts = {p.low_usd: plan_text(p) for p in guidance(("META",)).rows}
    assert "CY2025 plan $60.0-65.0B" in texts[60_000_000_000]
