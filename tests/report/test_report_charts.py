"""Report charts: one colour per company everywhere, units on axes, log scales, annotations."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import Markup

from jevons._analogs.analysis import analogs
from jevons._capex.coverage import quarter_coverage
from jevons._capex.guidance import guidance
from jevons._capex.ledger import capex
from jevons._demand.verdict import make_verdict
from jevons._figures.capex import capex_quarterly
from jevons._figures.fan import quantile_fan
from jevons._figures.guidance import guidance_chart
from jevons._prices.frontier import frontier_trends
from jevons._prices.hedonic import hedonic_index
from jevons._prices.published import EPOCH_RANGE, shipped_epoch_models
from jevons._report import COMPANY_COLOURS
from jevons._report import charts as ch
from jevons._report.blocks import caption, extract_urls, linkify, money_b
from jevons._simulate.montecarlo import simulate
from jevons._simulate.sensitivity import sensitivity
from jevons._usage.series import usage
from jevons.palette import EXTRA_COLOURS, INCOMPLETE_OPACITY, INCOMPLETE_PATTERN
from jevons.quarters import quarter_start


def _colours(fig: Any) -> dict[str, str]:
    """Company -> marker colour of the traces named after it."""
    out: dict[str, str] = {}
    for trace in fig.data:
        name = str(trace.name or "").split(" ")[0]
        if name in COMPANY_COLOURS and trace.marker.color is not None:
            out.setdefault(name, str(trace.marker.color))
    return out


def _axis_title(axis: Any) -> str:
    return str(axis.title.text or "")


def test_company_colours_are_kept_across_charts() -> None:
    quarters = capex(basis="gross", freq="quarter")
    totals = capex(basis="gross", freq="quarter", total=True)
    years = capex(basis="gross", freq="year")
    plans = guidance().rows
    figs = [
        capex_quarterly(quarters.records, totals.records, plans, basis="gross"),
        ch.capex_annual(years.records, basis="gross"),
        guidance_chart(plans),
    ]
    for fig in figs:
        seen = _colours(fig)
        assert seen, fig.layout.title
        for ticker, colour in seen.items():
            assert colour == COMPANY_COLOURS[ticker]
    assert len(set(COMPANY_COLOURS.values())) == len(COMPANY_COLOURS)


def test_unknown_company_gets_a_spare_colour() -> None:
    assert ch.company_colour("NVDA", ["AMZN", "NVDA"]) == EXTRA_COLOURS[0]
    assert ch.company_colour("AMZN") == COMPANY_COLOURS["AMZN"]


def test_capex_chart_units_and_annotations() -> None:
    quarters = capex(basis="net", freq="quarter")
    totals = capex(basis="net", freq="quarter", total=True)
    plans = guidance().rows
    fig = capex_quarterly(quarters.records, totals.records, plans, basis="net")
    assert "$B" in _axis_title(fig.layout.yaxis) and "net" in _axis_title(fig.layout.yaxis)
    assert fig.layout.barmode == "stack"
    assert any(s.x0 == "2025-01-20" for s in fig.layout.shapes)
    assert any("DeepSeek R1" in str(a.text) for a in fig.layout.annotations)
    announced = [x for t in fig.data if t.yaxis == "y2" for x in t.x]
    assert sorted(announced) == sorted(p.announced_on.isoformat() for p in plans)
    total = next(t for t in fig.data if str(t.name).startswith("Total"))
    amzn = next(t for t in fig.data if t.name == "AMZN")
    # Bars are in $B: Amazon's 2024Q4 net capex is tens of billions, not tens of thousands.
    values = [v for v in amzn.y if v is not None]
    assert values and max(values) < 1_000
    assert any(v is not None for v in total.y)


def test_guidance_chart_shows_surprise_percent() -> None:
    plans = guidance().rows
    fig = guidance_chart(plans)
    labels = [str(t) for trace in fig.data if "actual" in str(trace.name) for t in trace.text]
    compared = [p for p in plans if p.surprise_pct is not None]
    assert len(labels) == len(compared) and all(lab.endswith("%") for lab in labels)
    assert "$B" in _axis_title(fig.layout.yaxis)


def test_price_charts_use_log_scales() -> None:
    trends = frontier_trends(shipped_epoch_models()).trends
    frontier = ch.frontier_chart(trends, EPOCH_RANGE)
    assert frontier.layout.xaxis.type == "log"
    assert len(frontier.data[0].x) == len(trends)
    band = frontier.layout.shapes[0]
    assert (band.x0, band.x1) == (EPOCH_RANGE.low, EPOCH_RANGE.high)
    hedonic = ch.hedonic_chart(hedonic_index())
    assert hedonic.layout.yaxis.type == "log"
    assert hedonic.data[0].fill == "toself"  # the interval band
    use = ch.usage_chart(usage().series)
    log_axes = [getattr(use.layout, k) for k in use.layout if str(k).startswith("yaxis")]
    assert log_axes and all(a.type == "log" for a in log_axes)
    assert any("$B" in _axis_title(a) for a in log_axes)


def test_elasticity_forest_plot() -> None:
    result = analogs(["lighting_uk", "dram"])
    ai = make_verdict(-1.45, -2.2, -1.2, subject="AI", kind="bound", bound_side="lower")
    published = {r.subject: r.published for r in result.results}
    fig = ch.elasticity_chart([ai], result, published)
    shapes = [s for s in fig.layout.shapes if s.x0 == -1 and s.x1 == -1]
    assert shapes, "the e = -1 line"
    ys = {y for trace in fig.data for y in trace.y}
    expected = {"AI [bound]", *(f"{r.subject} [{r.verdict.kind}]" for r in result.results)}
    assert expected <= ys
    stars = [t for t in fig.data if str(t.name).startswith("Published")]
    assert stars and len(stars[0].x) >= 1
    # The bound is an arrow without a class and without an interval bar.
    bound = next(t for t in fig.data if str(t.name).startswith("Bound"))
    assert list(bound.y) == ["AI [bound]"] and list(bound.marker.symbol) == ["triangle-right"]
    assert bound.error_x.array is None
    classed = [t for t in fig.data if "AI [bound]" in (t.y or ()) and t is not bound]
    assert not classed


def test_fan_chart_bands_and_median() -> None:
    run = simulate("baseline", paths=200, seed=0)
    fig = quantile_fan(
        run.periods,
        run.series["capex_usd"],
        history=[("2024Q4", 7.0e10)],
        y_max=500,
        y_title="Capex ($B/quarter)",
    )
    fills = [t for t in fig.data if t.fill == "tonexty"]
    assert [t.name for t in fills] == ["p05-p95", "p25-p75"]
    median = next(t for t in fig.data if str(t.name).startswith("Median"))
    assert list(median.y) == pytest.approx([v / 1e9 for v in run.series["capex_usd"]["p50"]])
    assert tuple(fig.layout.yaxis.range) == (0, 500)
    assert "$B" in _axis_title(fig.layout.yaxis)


def test_sensitivity_chart_total_and_first_order() -> None:
    result = sensitivity("deepseek-shock", output="capex_2027", n=16)
    fig = ch.sensitivity_chart(result)
    assert [t.name for t in fig.data] == ["Total effect (ST)", "First order (S1)"]
    assert list(fig.data[0].y) == [i.parameter for i in result.indices]


def test_chart_html_has_stable_div_and_no_plotly_js() -> None:
    fig = ch.sensitivity_chart(sensitivity("deepseek-shock", output="capex_2027", n=16))
    html = ch.to_html(fig, ch.CHART_SENSITIVITY)
    assert f'id="{ch.CHART_SENSITIVITY}"' in html
    assert "plotly.js v" not in html and len(html) < 100_000


def test_helpers() -> None:
    assert str(money_b(82_999_000_000)) == '<span title="$82,999 million">83.0</span>'
    assert money_b(None) == "-"
    text = "OWID https://a.org/x_(2017).csv (copy read: https://b.org/y.csv)"
    assert extract_urls(text) == ["https://a.org/x_(2017).csv", "https://b.org/y.csv"]
    html = str(linkify("see <b> https://a.org/p"))
    assert "&lt;b&gt;" in html and '<a href="https://a.org/p"' in html
    cap = caption("Shows x.", ["usage", "missing"], {"usage": "ai/usage.csv"}, origin="o")
    assert isinstance(cap, Markup)
    assert '<a href="#dataset-usage">ai/usage.csv</a>, missing' in str(cap)


def test_incomplete_quarters_are_drawn_apart_never_as_a_fall_in_the_total() -> None:
    """Issue 10: a quarter some company has not reported yet must not look like a fall."""
    quarters = capex(basis="gross", freq="quarter")
    totals = capex(basis="gross", freq="quarter", total=True)
    fig = capex_quarterly(quarters.records, totals.records, [], basis="gross")
    coverage = {c.period: c for c in quarter_coverage(quarters.records)}
    incomplete = sorted(p for p, c in coverage.items() if not c.complete)
    assert "2026Q1" in incomplete  # Alphabet's 2026Q1 is not in the shipped data
    total = next(t for t in fig.data if (t.meta or {}).get("role") == "total")
    by_x = dict(zip(total.x, total.y, strict=True))
    for period in incomplete:
        assert by_x[quarter_start(period).isoformat()] is None, period
    complete = [p for p, c in coverage.items() if c.complete]
    assert complete and all(by_x[quarter_start(p).isoformat()] is not None for p in complete)
    # the total line's last point is the last quarter in which every company reported
    last = max(x for x, y in by_x.items() if y is not None)
    assert last == quarter_start(max(complete)).isoformat()
    marked = next(t for t in fig.data if (t.meta or {}).get("role") == "incomplete")
    assert list(marked.x) == [quarter_start(p).isoformat() for p in incomplete]
    assert marked.meta["labels"][incomplete.index("2026Q1")] == (
        "incomplete: 3 of 5 companies reported"
    )
    assert marked.y[incomplete.index("2026Q1")] == pytest.approx(
        coverage["2026Q1"].partial_usd / 1e9
    )
    amzn = next(t for t in fig.data if t.name == "AMZN")
    styles = zip(amzn.marker.opacity, amzn.marker.pattern.shape, strict=True)
    shade = dict(zip(amzn.x, styles, strict=True))
    assert shade[quarter_start("2026Q1").isoformat()] == (INCOMPLETE_OPACITY, INCOMPLETE_PATTERN)
    assert shade[quarter_start(max(complete)).isoformat()] == (1.0, "")
