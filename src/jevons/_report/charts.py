"""Plotly figures of the report, one function per chart, each from an analysis result.

The charts shared with the dashboard (the quantile fan, quarterly capex) and the guidance chart
are drawn once in ``jevons._figures``; the ones here are the report's own.

Figures are built from the public results (ledger records, trends, verdicts, quantiles) and
never recompute an analysis: a chart shows exactly the numbers the CLI prints. Colours, units
and the div ids are fixed here so that every chart of one company looks alike and a browser
test can find each chart by id across builds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import plotly.graph_objects as go  # type: ignore[import-untyped]
from plotly.subplots import make_subplots  # type: ignore[import-untyped]

from jevons._analogs.analysis import AnalogsResult
from jevons._analogs.published import PublishedEstimate
from jevons._capex.ledger import TOTAL, CapexRecord
from jevons._demand.verdict import UNIT_ELASTIC, Verdict
from jevons._figures.fan import FORECAST_COLOURS, FanNames, quantile_fan
from jevons._figures.layout import billions, page_layout
from jevons._figures.markers import reference_line
from jevons._forecast import ForecastResult
from jevons._forecast.result import TOTAL as FORECAST_TOTAL
from jevons._prices.frontier import FrontierTrend
from jevons._prices.hedonic import HedonicResult
from jevons._prices.published import PublishedRange
from jevons._simulate.sensitivity import SensitivityResult
from jevons._usage.series import UsageSeries
from jevons.palette import COMPANY_COLOURS as PALETTE
from jevons.palette import TOTAL_COLOUR, company_colour

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


# --------------------------------------------------------------------------------------------
# Capex


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
                y=[billions(by_year.get(y)) for y in years],
                marker_color=company_colour(ticker, order),
                hovertemplate=f"{ticker} %{{x}}: $%{{y:,.1f}}B<extra></extra>",
            )
        )
    page_layout(
        fig,
        height=420,
        barmode="group",
        xaxis={"title": {"text": "Calendar year"}, "type": "category"},
        yaxis={"title": {"text": f"Capex, {basis} basis ($B per year)"}, "rangemode": "tozero"},
    )
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
    page_layout(
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
    page_layout(
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
    page_layout(fig, height=300 * rows + 120)
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
    reference_line(
        fig,
        UNIT_ELASTIC,
        "e = -1: left of it, a price fall raises spending",
        colour="#222222",
        y=1,
        yanchor="bottom",
        font={"size": 11},
    )
    page_layout(
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
    return quantile_fan(
        band.periods,
        band.quantiles,
        colours=FORECAST_COLOURS,
        names=FanNames("forecast p05-p95", "forecast p25-p75", "Forecast median (p50)"),
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
    page_layout(
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


# --------------------------------------------------------------------------------------------
# Past booms (appended; takes the booms result, ``jevons._analogs.booms.BoomsResult``)

CHART_BOOMS: Final = "chart-booms"
AI_MARKER_NAME: Final = "AI: latest complete year, peak unknown"


def booms_chart(result: Any) -> Any:
    """Left: each boom's investment indexed to its peak (= 100) against years from the peak,
    for the booms with an annual series and a single peak year. Right: the share of GDP at the
    peak, a bar from low to high where sources disagree. AI is marked on both at its latest
    complete year, which is not a peak: its x position is "years before its latest year"."""
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.6, 0.4],
        horizontal_spacing=0.22,
        subplot_titles=(
            "Investment, indexed to its peak = 100",
            "Share of GDP at the peak (%)",
        ),
    )
    palette = ("#2E86C1", "#C0392B", "#7D3C98", "#1E8449", "#B9770E", "#5D6D7E")
    for i, boom in enumerate(result.booms):
        points = boom.indexed_to_peak()
        if len(points) < 2:
            continue
        fig.add_trace(
            go.Scatter(
                name=f"{boom.name} ({boom.investment_unit})",
                x=[x for x, _ in points],
                y=[y for _, y in points],
                mode="lines+markers",
                line={"color": palette[i % len(palette)]},
                customdata=[boom.peak_year + x for x, _ in points],
                hovertemplate=(
                    f"{boom.name} %{{customdata}}: %{{y:.0f}} (peak {boom.peak_year} = 100)"
                    "<extra></extra>"
                ),
            ),
            row=1,
            col=1,
        )
    ai = result.ai
    ai_points = ai.indexed_to_latest()
    if ai_points:
        fig.add_trace(
            go.Scatter(
                name=AI_MARKER_NAME,
                x=[x for x, _ in ai_points],
                y=[y for _, y in ai_points],
                mode="lines+markers+text" if len(ai_points) == 1 else "lines+markers",
                text=[f"AI {ai.year}: latest, peak unknown"] if len(ai_points) == 1 else None,
                textposition="top center",
                marker={"color": "#000000", "size": 11, "symbol": "star"},
                line={"color": "#000000", "dash": "dot"},
                customdata=[ai.year + x for x, _ in ai_points],
                hovertemplate=(
                    "AI %{customdata}: %{y:.0f} (latest complete year = 100; not a peak)"
                    "<extra></extra>"
                ),
            ),
            row=1,
            col=1,
        )
    fig.add_hline(y=100, line={"color": "#999999", "dash": "dash", "width": 1}, row=1, col=1)
    fig.update_xaxes(title_text="Years from the peak (AI: from its latest year)", row=1, col=1)
    fig.update_yaxes(title_text="Peak = 100", rangemode="tozero", row=1, col=1)

    for boom in result.booms:
        share = boom.peak_share_of_gdp
        if share is None:
            continue
        ends = list(share) if isinstance(share, tuple) else [share]
        fig.add_trace(
            go.Scatter(
                name=boom.name,
                y=[boom.name] * len(ends),
                x=ends,
                mode="lines+markers",
                line={"color": "#7F8C8D", "width": 6},
                marker={"color": "#566573", "size": 9},
                hovertemplate=(
                    f"{boom.name}: {' to '.join(f'{v:.2f}' for v in ends)}% "
                    f"({boom.share_basis})<extra></extra>"
                ),
                showlegend=False,
            ),
            row=1,
            col=2,
        )
    if ai.share_of_gdp is not None:
        fig.add_trace(
            go.Scatter(
                name=f"AI {ai.year} (latest, peak unknown)",
                y=[f"AI {ai.year} (latest, peak unknown)"],
                x=[ai.share_of_gdp],
                mode="markers",
                marker={"color": "#000000", "size": 12, "symbol": "star"},
                hovertemplate=(
                    f"AI {ai.year}: %{{x:.2f}}% of US GDP ({', '.join(ai.companies)}, "
                    f"{ai.basis} basis; not a peak)<extra></extra>"
                ),
                showlegend=False,
            ),
            row=1,
            col=2,
        )
    fig.update_xaxes(title_text="% of GDP (or national income)", rangemode="tozero", row=1, col=2)
    page_layout(fig, height=520)
    fig.update_layout(margin={"t": 90}, legend={"y": -0.25, "yanchor": "top"})
    return fig
