"""Plotly figures of the report, one function per chart, each from an analysis result.

Figures are built from the public results (ledger records, trends, verdicts, quantiles) and
never recompute an analysis: a chart shows exactly the numbers the CLI prints. Colours, units
and the div ids are fixed here so that every chart of one company looks alike and a browser
test can find each chart by id across builds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

import plotly.graph_objects as go  # type: ignore[import-untyped]
from plotly.subplots import make_subplots  # type: ignore[import-untyped]

from jevons._analogs.analysis import AnalogsResult
from jevons._analogs.published import PublishedEstimate
from jevons._capex.coverage import quarter_coverage
from jevons._capex.guidance import GuidanceRow, money_range
from jevons._capex.ledger import TOTAL, CapexRecord
from jevons._demand.verdict import UNIT_ELASTIC, Verdict
from jevons._forecast import ForecastResult
from jevons._forecast.result import TOTAL as FORECAST_TOTAL
from jevons._prices.frontier import FrontierTrend
from jevons._prices.hedonic import HedonicResult
from jevons._prices.published import PublishedRange
from jevons._simulate.montecarlo import SimulationResult
from jevons._simulate.sensitivity import SensitivityResult
from jevons._usage.series import UsageSeries
from jevons.palette import COMPANY_COLOURS as PALETTE
from jevons.palette import (
    INCOMPLETE_COLOUR,
    INCOMPLETE_OPACITY,
    INCOMPLETE_PATTERN,
    TOTAL_COLOUR,
    company_colour,
)

#: One colour per company, kept across every chart and shared with the dashboard.
COMPANY_COLOURS: Final[dict[str, str]] = {**PALETTE, TOTAL: TOTAL_COLOUR}
VERDICT_COLOURS: Final[dict[str, str]] = {
    "backfire": "#C0392B",
    "partial_rebound": "#2E86C1",
    "no_rebound": "#1E8449",
    "inconclusive": "#7F8C8D",
}
#: Marker per kind of evidence in the forest plot, so the kind shows without the hover.
KIND_SYMBOLS: Final[dict[str, str]] = {
    "identified": "square",
    "published": "diamond",
    "estimated": "circle",
}
UNCLASSIFIED_COLOUR: Final = "#B0B0B0"
DEEPSEEK_R1: Final = date(2025, 1, 20)

# Stable div ids: a browser test looks charts up by these.
CHART_CAPEX_QUARTERLY: Final = "chart-capex-quarterly"
CHART_CAPEX_ANNUAL: Final = "chart-capex-annual"
CHART_GUIDANCE: Final = "chart-guidance"
CHART_FRONTIER: Final = "chart-frontier"
CHART_HEDONIC: Final = "chart-hedonic"
CHART_USAGE: Final = "chart-usage"
CHART_ELASTICITIES: Final = "chart-elasticities"
CHART_FAN_BASELINE: Final = "chart-fan-baseline"
CHART_FAN_DEEPSEEK: Final = "chart-fan-deepseek-shock"
CHART_FAN_FORECAST: Final = "chart-fan-forecast"
CHART_SENSITIVITY: Final = "chart-sensitivity"

_FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
_PLOTLY_CONFIG: Final[dict[str, Any]] = {"displaylogo": False, "responsive": True}


def to_html(fig: Any, div_id: str) -> str:
    """The figure as a div and its script; plotly.js itself is inlined once by the page."""
    return str(
        fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            config=_PLOTLY_CONFIG,
        )
    )


def _layout(fig: Any, *, height: int, **kwargs: Any) -> None:
    fig.update_layout(
        template="plotly_white",
        height=height,
        font={"family": _FONT, "size": 13},
        margin={"l": 70, "r": 30, "t": 40, "b": 60},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"namelength": -1},
        **kwargs,
    )


def quarter_start(label: str) -> str:
    """'2025Q1' -> '2025-01-01': bars sit in the middle of their quarter on a date axis."""
    year, quarter = int(label[:4]), int(label[5])
    return date(year, 3 * (quarter - 1) + 1, 1).isoformat()


def _billions(value: float | int | None) -> float | None:
    return None if value is None else float(value) / 1e9


# --------------------------------------------------------------------------------------------
# Capex


def capex_quarterly(
    records: Sequence[CapexRecord],
    totals: Sequence[CapexRecord],
    plans: Sequence[GuidanceRow],
    *,
    basis: str,
) -> Any:
    """Stacked bars per company by calendar quarter, the total as a line, and the dates that
    might have moved plans: DeepSeek R1's release and every guidance announcement.

    A quarter in which not every company has a value (``jevons._capex.coverage``) is incomplete:
    its bars are faded and hatched, the total line has no point there (it stops at the last
    quarter where every company reported), and a separate marker gives the partial sum with
    "incomplete: X of Y companies reported", so that late reporters never look like a fall.
    """
    order = list(dict.fromkeys(r.ticker for r in records))
    periods = sorted({r.calendar_period for r in records} | {r.calendar_period for r in totals})
    coverage = {c.period: c for c in quarter_coverage(records, order)}
    incomplete = [p for p in periods if p in coverage and not coverage[p].complete]
    faded = [p in incomplete for p in periods]
    fig = go.Figure()
    for ticker in order:
        by_period = {r.calendar_period: r for r in records if r.ticker == ticker}
        ys = [_billions(by_period[p].value_usd) if p in by_period else None for p in periods]
        notes = [
            (by_period[p].gap or "") if p in by_period and by_period[p].value_usd is None else ""
            for p in periods
        ]
        state = [coverage[p].label if p in coverage else "" for p in periods]
        fig.add_trace(
            go.Bar(
                name=ticker,
                x=[quarter_start(p) for p in periods],
                y=ys,
                xperiod="M3",
                xperiodalignment="middle",
                marker={
                    "color": company_colour(ticker, order),
                    "opacity": [INCOMPLETE_OPACITY if f else 1.0 for f in faded],
                    "pattern": {"shape": [INCOMPLETE_PATTERN if f else "" for f in faded]},
                },
                customdata=[[p, n, c] for p, n, c in zip(periods, notes, state, strict=True)],
                hovertemplate=(
                    f"{ticker} %{{customdata[0]}}: $%{{y:,.1f}}B (%{{customdata[2]}})"
                    "<extra></extra>"
                ),
            )
        )
    total_by = {r.calendar_period: r.value_usd for r in totals}
    fig.add_trace(
        go.Scatter(
            name="Total (quarters where every company reported)",
            x=[quarter_start(p) for p in periods],
            # Only complete quarters: a total over the companies that reported is not a total.
            y=[
                None if f else _billions(total_by.get(p))
                for p, f in zip(periods, faded, strict=True)
            ],
            xperiod="M3",
            xperiodalignment="middle",
            mode="lines+markers",
            line={"color": COMPANY_COLOURS[TOTAL], "width": 2},
            customdata=periods,
            hovertemplate="Total %{customdata}: $%{y:,.1f}B<extra></extra>",
            connectgaps=False,
            meta={"role": "total"},
        )
    )
    if incomplete:
        parts = [coverage[p] for p in incomplete]
        fig.add_trace(
            go.Scatter(
                name="Incomplete quarter: sum of the companies that reported (X of Y), not a total",
                x=[quarter_start(p) for p in incomplete],
                y=[_billions(c.partial_usd) for c in parts],
                xperiod="M3",
                xperiodalignment="middle",
                mode="markers+text",
                marker={
                    "symbol": "circle-open",
                    "size": 9,
                    "color": INCOMPLETE_COLOUR,
                    "line": {"width": 2},
                },
                text=[f"{len(c.reported)} of {c.expected}" for c in parts],
                textposition="top center",
                textfont={"size": 10, "color": INCOMPLETE_COLOUR},
                customdata=[[c.period, c.label, c.why] for c in parts],
                hovertemplate=(
                    "%{customdata[0]} %{customdata[1]}: partial sum $%{y:,.1f}B"
                    "<br>%{customdata[2]}<extra></extra>"
                ),
                meta={"role": "incomplete", "labels": [c.label for c in parts]},
            )
        )
    _deepseek_marker(fig)
    _plan_markers(fig, plans, order)
    _layout(
        fig,
        height=520,
        barmode="stack",
        xaxis={"title": {"text": "Calendar quarter"}, "type": "date"},
        yaxis={"title": {"text": f"Capex, {basis} basis ($B per quarter)"}, "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
    )
    return fig


def _deepseek_marker(fig: Any) -> None:
    day = DEEPSEEK_R1.isoformat()
    fig.add_shape(
        type="line",
        x0=day,
        x1=day,
        y0=0,
        y1=1,
        xref="x",
        yref="paper",
        line={"color": "#555555", "dash": "dash", "width": 1.5},
    )
    fig.add_annotation(
        x=day,
        y=0.99,
        xref="x",
        yref="paper",
        text="DeepSeek R1 released<br>2025-01-20 ",
        showarrow=False,
        xanchor="right",
        yanchor="top",
        align="right",
        font={"size": 11, "color": "#333333"},
        bgcolor="rgba(255,255,255,0.8)",
    )


def _plan_markers(fig: Any, plans: Sequence[GuidanceRow], order: Sequence[str]) -> None:
    """A row of triangles near the top: one per announced plan, on its announcement date."""
    tickers = list(dict.fromkeys(p.ticker for p in plans))
    for k, ticker in enumerate(tickers):
        rows = [p for p in plans if p.ticker == ticker]
        fig.add_trace(
            go.Scatter(
                name="Guidance announced (a triangle per plan)" if k == 0 else ticker,
                x=[p.announced_on.isoformat() for p in rows],
                y=[0.97 - 0.035 * k] * len(rows),
                yaxis="y2",
                mode="markers",
                marker={
                    "symbol": "triangle-down",
                    "size": 11,
                    "color": company_colour(ticker, order),
                    "line": {"color": "#222222", "width": 0.8},
                },
                text=[_plan_text(p) for p in rows],
                hovertemplate="%{text}<extra></extra>",
                legendgroup="plans",
                showlegend=k == 0,
            )
        )


def _plan_text(p: GuidanceRow) -> str:
    guided = money_range(p.low_usd, p.high_usd)
    return f"{p.ticker} {p.announced_on}: {p.period_label} plan {guided}<br>{p.speaker_or_document}"


def capex_annual(records: Sequence[CapexRecord], *, basis: str) -> Any:
    """Grouped bars per company by calendar year: growth is easier to read side by side."""
    order = list(dict.fromkeys(r.ticker for r in records))
    years = sorted({r.period for r in records if r.value_usd is not None})
    fig = go.Figure()
    for ticker in order:
        by_year = {r.period: r.value_usd for r in records if r.ticker == ticker}
        fig.add_trace(
            go.Bar(
                name=ticker,
                x=years,
                y=[_billions(by_year.get(y)) for y in years],
                marker_color=company_colour(ticker, order),
                hovertemplate=f"{ticker} %{{x}}: $%{{y:,.1f}}B<extra></extra>",
            )
        )
    _layout(
        fig,
        height=420,
        barmode="group",
        xaxis={"title": {"text": "Calendar year"}, "type": "category"},
        yaxis={"title": {"text": f"Capex, {basis} basis ($B per year)"}, "rangemode": "tozero"},
    )
    return fig


def guidance_chart(plans: Sequence[GuidanceRow]) -> Any:
    """Each plan's guided point (with its range) beside the actual, and the surprise in %."""
    compared = [p for p in plans if p.guide_point_usd is not None]
    order = list(dict.fromkeys(p.ticker for p in compared))
    labels = [f"{p.ticker} {p.period_label} ({p.announced_on})" for p in compared]
    fig = go.Figure()
    for ticker in order:
        idx = [i for i, p in enumerate(compared) if p.ticker == ticker]
        rows = [compared[i] for i in idx]
        colour = company_colour(ticker, order)
        points = [_billions(p.guide_point_usd) or 0.0 for p in rows]
        fig.add_trace(
            go.Scatter(
                name=f"{ticker} guided",
                x=[labels[i] for i in idx],
                y=points,
                mode="markers",
                marker={"symbol": "circle-open", "size": 11, "color": colour, "line": {"width": 2}},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        (_billions(p.high_usd) or pt) - pt
                        for p, pt in zip(rows, points, strict=True)
                    ],
                    "arrayminus": [
                        pt - (_billions(p.low_usd) or pt)
                        for p, pt in zip(rows, points, strict=True)
                    ],
                    "color": colour,
                },
                text=[_plan_text(p) for p in rows],
                hovertemplate="%{text}<br>guided point $%{y:,.1f}B<extra></extra>",
                legendgroup=ticker,
            )
        )
        actual = [p for p in rows if p.actual_usd is not None]
        fig.add_trace(
            go.Scatter(
                name=f"{ticker} actual",
                x=[labels[idx[rows.index(p)]] for p in actual],
                y=[_billions(p.actual_usd) for p in actual],
                mode="markers+text",
                marker={"symbol": "diamond", "size": 11, "color": colour},
                text=[
                    f"{p.surprise_pct:+.0f}%" if p.surprise_pct is not None else "" for p in actual
                ],
                textposition="top center",
                textfont={"size": 11, "color": colour},
                customdata=[[p.actual_period or "", p.status] for p in actual],
                hovertemplate=(
                    "actual %{customdata[0]}: $%{y:,.1f}B (surprise %{text})"
                    "<br>%{customdata[1]}<extra></extra>"
                ),
                legendgroup=ticker,
            )
        )
    _layout(
        fig,
        height=520,
        xaxis={"title": {"text": "Plan: company, period (announcement date)"}, "tickangle": -50},
        yaxis={
            "title": {"text": "Capex on the company's headline basis ($B)"},
            "rangemode": "tozero",
        },
    )
    fig.update_layout(margin={"b": 190})
    return fig


# --------------------------------------------------------------------------------------------
# Prices and usage


def frontier_chart(trends: Sequence[FrontierTrend], published: PublishedRange) -> Any:
    """Every frontier trend as a decline factor per year with its 90% interval (log axis),
    over the band of Epoch AI's published range."""
    labels = [
        f"{t.benchmark}: {t.threshold_model} ({t.threshold_score:g})" for t in reversed(trends)
    ]
    ordered = list(reversed(trends))
    fig = go.Figure()
    fig.add_shape(
        type="rect",
        x0=published.low,
        x1=published.high,
        y0=0,
        y1=1,
        xref="x",
        yref="paper",
        fillcolor="rgba(0,114,178,0.10)",
        line={"width": 0},
        layer="below",
    )
    fig.add_annotation(
        x=math.log10(math.sqrt(published.low * published.high)),
        y=1.0,
        xref="x",
        yref="paper",
        yanchor="bottom",
        text=f"Epoch AI published: {published.low:g}x to {published.high:g}x per year",
        showarrow=False,
        font={"size": 11, "color": "#0B4F7A"},
    )
    fig.add_trace(
        go.Scatter(
            name="Our reproduction (90% CI)",
            x=[t.factor_per_year for t in ordered],
            y=labels,
            mode="markers",
            marker={"size": 9, "color": "#0072B2"},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [t.ci_high - t.factor_per_year for t in ordered],
                "arrayminus": [t.factor_per_year - t.ci_low for t in ordered],
                "color": "#0072B2",
            },
            customdata=[
                [t.ci_low, t.ci_high, t.n, f"{t.start_date} to {t.end_date}"] for t in ordered
            ],
            hovertemplate=(
                "%{y}<br>%{x:,.3g}x per year, 90% CI %{customdata[0]:,.3g} to "
                "%{customdata[1]:,.3g}<br>%{customdata[2]} models, %{customdata[3]}<extra></extra>"
            ),
        )
    )
    _layout(
        fig,
        height=max(420, 26 * len(trends) + 140),
        xaxis={
            "title": {"text": "Price decline factor per year at fixed capability (x, log scale)"},
            "type": "log",
        },
        yaxis={"title": {"text": "Benchmark: threshold model (score)"}, "automargin": True},
        showlegend=True,
    )
    return fig


def hedonic_chart(result: HedonicResult) -> Any:
    """The quality-adjusted price index with its 90% band, on a log axis."""
    periods = result.periods
    x = [p.start.isoformat() for p in periods]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            name="90% CI",
            x=x + x[::-1],
            y=[p.ci_high for p in periods] + [p.ci_low for p in reversed(periods)],
            fill="toself",
            fillcolor="rgba(0,114,178,0.18)",
            mode="lines",
            line={"width": 0},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            name=f"Index (first period = 1), {result.benchmark} held fixed",
            x=x,
            y=[p.index for p in periods],
            mode="lines+markers",
            line={"color": "#0072B2", "width": 2},
            customdata=[[p.label, p.n, p.ci_low, p.ci_high] for p in periods],
            hovertemplate=(
                "%{customdata[0]}: index %{y:.3g} (90% CI %{customdata[2]:.3g} to "
                "%{customdata[3]:.3g}), %{customdata[1]} observations<extra></extra>"
            ),
        )
    )
    _layout(
        fig,
        height=420,
        xaxis={"title": {"text": f"Period start ({result.freq})"}, "type": "date"},
        yaxis={
            "title": {"text": "Price index, first period = 1 (log)"},
            "type": "log",
            "dtick": 1,
        },
    )
    return fig


_UNIT_AXES: Final[dict[str, tuple[str, float, bool]]] = {
    # unit: (axis title, divisor, one tick per decade)
    "USD": ("$B per stated period (log)", 1e9, True),
    "tokens": ("tokens per stated period (log)", 1.0, True),
    "users": ("users, millions (log)", 1e6, False),
    "words": ("words per stated period (log)", 1.0, True),
}


def usage_chart(series: Sequence[UsageSeries]) -> Any:
    """Level series with two or more points, one panel per unit, each on a log axis (a series
    that grows tenfold a year is a straight line), each panel with its own legend."""
    shown = [s for s in series if s.is_level and len(s.points) >= 2]
    units = [u for u in _UNIT_AXES if any(s.unit == u for s in shown)]
    rows = max(1, len(units))
    fig = make_subplots(
        rows=rows,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.07,
        subplot_titles=[f"Unit: {u}" for u in units] or None,
    )
    for row, unit in enumerate(units, start=1):
        title, scale, decades = _UNIT_AXES[unit]
        legend = "legend" if row == 1 else f"legend{row}"
        for s in (s for s in shown if s.unit == unit):
            fig.add_trace(
                go.Scatter(
                    name=s.series,
                    x=[p.date.isoformat() for p in s.points],
                    y=[p.value / scale for p in s.points],
                    mode="lines+markers",
                    legend=legend,
                    customdata=[p.date_text for p in s.points],
                    hovertemplate=(
                        f"{s.series} ({s.period or 'level'}) %{{customdata}}: %{{y:,.3g}} "
                        f"({title.split(' (')[0]})<extra></extra>"
                    ),
                ),
                row=row,
                col=1,
            )
        fig.update_yaxes(type="log", title_text=title, row=row, col=1)
        if decades:
            fig.update_yaxes(dtick=1, row=row, col=1)
    fig.update_xaxes(title_text="Date of the statement", row=rows, col=1)
    _layout(fig, height=300 * rows + 120)
    for row in range(1, len(units) + 1):
        domain = fig.layout["yaxis" if row == 1 else f"yaxis{row}"].domain
        fig.update_layout(
            {
                "legend" if row == 1 else f"legend{row}": {
                    "orientation": "v",
                    "x": 1.02,
                    "xanchor": "left",
                    "y": domain[1],
                    "yanchor": "top",
                    "font": {"size": 11},
                }
            }
        )
    fig.update_layout(margin={"r": 300})
    return fig


# --------------------------------------------------------------------------------------------
# Elasticities


def elasticity_chart(
    ai: Sequence[Verdict],
    analogs: AnalogsResult,
    published: Mapping[str, Sequence[PublishedEstimate]],
) -> Any:
    """Forest plot: each reading's elasticity with its interval, the line e = -1 where spending
    stops rising as the price falls, and published estimates beside ours.

    Each label carries the reading's kind; the marker shape says it too (square identified,
    diamond published, circle estimated). A bound is drawn as an arrow pointing the way the
    true elasticity can lie, in grey and without a class; a reading without a class (not
    identified, no interval) is a grey open circle with no interval.
    """
    rows: list[tuple[str, Verdict]] = [(v.subject, v) for v in ai]
    rows += [(r.subject, r.verdict) for r in analogs.results]
    seen: dict[str, int] = {}
    labels: list[str] = []
    for name, v in rows:
        seen[name] = seen.get(name, 0) + 1
        base = name if seen[name] == 1 else f"{name} ({seen[name]})"
        labels.append(f"{base} [{v.kind}]")
    fig = go.Figure()
    for verdict, colour in VERDICT_COLOURS.items():
        idx = [i for i, (_, v) in enumerate(rows) if v.verdict == verdict]
        if not idx:
            continue
        vs = [rows[i][1] for i in idx]
        fig.add_trace(
            go.Scatter(
                name=f"{verdict.replace('_', ' ').capitalize()}",
                x=[v.elasticity for v in vs],
                y=[labels[i] for i in idx],
                mode="markers",
                marker={
                    "size": 8,
                    "color": colour,
                    "symbol": [KIND_SYMBOLS.get(v.kind, "circle") for v in vs],
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [v.ci_high - v.elasticity for v in vs],
                    "arrayminus": [v.elasticity - v.ci_low for v in vs],
                    "color": colour,
                },
                customdata=[[v.ci_low, v.ci_high, v.kind, v.method] for v in vs],
                hovertemplate=(
                    "%{y}: e = %{x:.2f} (interval %{customdata[0]:.2f} to %{customdata[1]:.2f})"
                    "<br>%{customdata[2]}, %{customdata[3]}<extra></extra>"
                ),
            )
        )
    bounds = [i for i, (_, v) in enumerate(rows) if v.verdict == "bound_only"]
    if bounds:
        vs = [rows[i][1] for i in bounds]
        fig.add_trace(
            go.Scatter(
                name="Bound (no class): the true e lies on the arrow's side",
                x=[v.elasticity for v in vs],
                y=[labels[i] for i in bounds],
                mode="markers",
                marker={
                    "size": 11,
                    "color": UNCLASSIFIED_COLOUR,
                    "symbol": [
                        "triangle-right" if v.bound_side == "lower" else "triangle-left" for v in vs
                    ],
                },
                customdata=[[">=" if v.bound_side == "lower" else "<=", v.method] for v in vs],
                hovertemplate=(
                    "%{y}: e %{customdata[0]} %{x:.2f}<br>%{customdata[1]}<extra></extra>"
                ),
            )
        )
    loose = [
        i
        for i, (_, v) in enumerate(rows)
        if v.verdict in ("not_identified", "no_interval") and math.isfinite(v.elasticity)
    ]
    if loose:
        vs = [rows[i][1] for i in loose]
        fig.add_trace(
            go.Scatter(
                name="No class (not identified, or no interval reported)",
                x=[v.elasticity for v in vs],
                y=[labels[i] for i in loose],
                mode="markers",
                marker={"size": 8, "color": UNCLASSIFIED_COLOUR, "symbol": "circle-open"},
                text=[v.reason or v.verdict for v in vs],
                hovertemplate="%{y}: e = %{x:.2f}<br>%{text}<extra></extra>",
            )
        )
    pub_x: list[float] = []
    pub_y: list[str] = []
    pub_text: list[str] = []
    for label, (name, _) in zip(labels, rows, strict=True):
        for p in published.get(name, ()):
            if p.kind != "price_elasticity":
                continue
            pub_x.append(p.estimate)
            pub_y.append(label)
            note = "" if p.econometric else " (model assumption, not an estimate)"
            pub_text.append(f"{p.citation.split('(')[0].strip()} {p.period}{note}")
    if pub_x:
        fig.add_trace(
            go.Scatter(
                name="Published estimate (known_elasticities)",
                x=pub_x,
                y=pub_y,
                mode="markers",
                marker={"symbol": "star", "size": 13, "color": "#F0B400", "line": {"width": 1}},
                text=pub_text,
                hovertemplate="%{y}: published e = %{x:.2f}<br>%{text}<extra></extra>",
            )
        )
    fig.add_shape(
        type="line",
        x0=UNIT_ELASTIC,
        x1=UNIT_ELASTIC,
        y0=0,
        y1=1,
        xref="x",
        yref="paper",
        line={"color": "#222222", "dash": "dash", "width": 1.5},
    )
    fig.add_annotation(
        x=UNIT_ELASTIC,
        y=1,
        xref="x",
        yref="paper",
        yanchor="bottom",
        text="e = -1: left of it, a price fall raises spending",
        showarrow=False,
        font={"size": 11},
    )
    _layout(
        fig,
        height=22 * len(rows) + 180,
        xaxis={"title": {"text": "Price elasticity of demand e (unitless; interval as stated)"}},
        yaxis={
            "title": {"text": ""},
            "categoryorder": "array",
            "categoryarray": labels[::-1],
            "automargin": True,
        },
    )
    return fig


# --------------------------------------------------------------------------------------------
# Simulation


def _quantile_fan(
    periods: Sequence[str],
    q: Mapping[str, Sequence[float]],
    *,
    colour: tuple[str, str, str],
    prefix: str,
    median_name: str,
    history: Sequence[tuple[str, float]],
    y_title: str,
    y_max: float | None,
) -> Any:
    """One fan of quarterly quantiles in $B: p05-p95 and p25-p75 bands (outer and inner
    ``colour``), the median line, and the ledger's actual totals as crosses."""
    x = [quarter_start(p) for p in periods]
    fig = go.Figure()
    common = {"x": x, "xperiod": "M3", "xperiodalignment": "middle", "mode": "lines"}
    for low, high, fill, name in (
        ("p05", "p95", colour[0], f"{prefix}p05-p95"),
        ("p25", "p75", colour[1], f"{prefix}p25-p75"),
    ):
        fig.add_trace(
            go.Scatter(
                **common,
                y=list(q[low]),
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
                legendgroup=name,
            )
        )
        fig.add_trace(
            go.Scatter(
                **common,
                name=name,
                y=list(q[high]),
                line={"width": 0},
                fill="tonexty",
                fillcolor=fill,
                customdata=[[v] for v in q[low]],
                hovertemplate=f"{name}: $%{{customdata[0]:,.1f}}B to $%{{y:,.1f}}B<extra></extra>",
                legendgroup=name,
            )
        )
    fig.add_trace(
        go.Scatter(
            name=median_name,
            x=x,
            y=list(q["p50"]),
            xperiod="M3",
            xperiodalignment="middle",
            mode="lines+markers",
            line={"color": colour[2], "width": 2.5},
            customdata=list(periods),
            hovertemplate="%{customdata} "
            + median_name.split(" (")[0].lower()
            + ": $%{y:,.1f}B<extra></extra>",
        )
    )
    _actual_total(fig, history)
    yaxis: dict[str, Any] = {"title": {"text": y_title}, "rangemode": "tozero"}
    if y_max is not None:
        yaxis["range"] = [0, y_max]
    _layout(
        fig,
        height=440,
        xaxis={"title": {"text": "Calendar quarter"}, "type": "date"},
        yaxis=yaxis,
    )
    return fig


def fan_chart(
    result: SimulationResult,
    history: Sequence[tuple[str, float]],
    *,
    y_max: float | None = None,
) -> Any:
    """Capex quantiles per quarter: p05-p95 and p25-p75 bands, the median, and the actual
    total the model was calibrated on."""
    q = {k: [v / 1e9 for v in values] for k, values in result.series["capex_usd"].items()}
    fig = _quantile_fan(
        result.periods,
        q,
        colour=("rgba(0,114,178,0.15)", "rgba(0,114,178,0.35)", "#0B4F7A"),
        prefix="",
        median_name="Median (p50)",
        history=history,
        y_title="Capex, 4 hyperscalers, gross ($B/quarter)",
        y_max=y_max,
    )
    _deepseek_marker(fig)
    return fig


def forecast_fan_chart(
    result: ForecastResult,
    history: Sequence[tuple[str, float]],
    *,
    y_max: float | None = None,
) -> Any:
    """The statistical forecast's total capex (``jevons forecast``): p05-p95 and p25-p75 bands
    and the median per quarter, on the scenario fans' axes, with the actual totals.

    The forecast is a different model from the scenarios (no market mechanism, fitted to the
    companies' capex and plans, docs/forecast.md); its bands are drawn in another colour so
    that the two are never read as one.
    """
    band = result.series[FORECAST_TOTAL]
    q = {k: [v / 1e9 for v in values] for k, values in band.quantiles.items()}
    return _quantile_fan(
        band.periods,
        q,
        colour=("rgba(213,94,0,0.15)", "rgba(213,94,0,0.35)", "#8A3B00"),
        prefix="forecast ",
        median_name="Forecast median (p50)",
        history=history,
        y_title=f"Capex, 4 hyperscalers, {result.basis} ($B/quarter)",
        y_max=y_max,
    )


def sensitivity_chart(result: SensitivityResult) -> Any:
    """Total and first-order Sobol indices per parameter, largest total effect on top."""
    names = [i.parameter for i in result.indices]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            name="Total effect (ST)",
            y=names,
            x=[i.st for i in result.indices],
            orientation="h",
            marker_color="#0072B2",
            error_x={"type": "data", "array": [i.st_conf for i in result.indices]},
            hovertemplate="%{y}: ST %{x:.3f}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            name="First order (S1)",
            y=names,
            x=[i.s1 for i in result.indices],
            orientation="h",
            marker_color="#E69F00",
            error_x={"type": "data", "array": [i.s1_conf for i in result.indices]},
            hovertemplate="%{y}: S1 %{x:.3f}<extra></extra>",
        )
    )
    _layout(
        fig,
        height=max(300, 60 * len(names) + 140),
        barmode="group",
        xaxis={"title": {"text": f"Share of the variance of {result.output} (unitless, 0-1)"}},
        yaxis={
            "title": {"text": "Parameter"},
            "autorange": "reversed",
            "automargin": True,
            "ticksuffix": "  ",
        },
    )
    return fig


def _actual_total(fig: Any, history: Sequence[tuple[str, float]]) -> None:
    """The ledger's actual total capex as crosses over a fan (nothing when there is none)."""
    if not history:
        return
    fig.add_trace(
        go.Scatter(
            name="Actual total (ledger, gross)",
            x=[quarter_start(label) for label, _ in history],
            y=[v / 1e9 for _, v in history],
            xperiod="M3",
            xperiodalignment="middle",
            mode="markers",
            marker={"color": COMPANY_COLOURS[TOTAL], "size": 7, "symbol": "x"},
            customdata=[label for label, _ in history],
            hovertemplate="%{customdata} actual: $%{y:,.1f}B<extra></extra>",
        )
    )
