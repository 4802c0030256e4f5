"""Quarterly capex: stacked bars per company, the total, and the incomplete quarters apart.

One chart for the report and the dashboard. A quarter in which not every company has a value
(``jevons._capex.coverage``: not reported yet, or a gap) is incomplete: its bars are faded and
hatched, the total line has no point there (it stops at the last quarter where every company
reported), and an open circle gives the partial sum with "X of Y", so that late reporters never
look like a fall in spending.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import plotly.graph_objects as go  # type: ignore[import-untyped]

from jevons._capex.coverage import quarter_coverage
from jevons._capex.guidance import GuidanceRow
from jevons._capex.ledger import CapexRecord
from jevons._figures.layout import Axis, billions, page_layout, quarter_axis, quarter_x
from jevons._figures.markers import MARKER_AXIS, deepseek_marker, plan_markers
from jevons.palette import (
    INCOMPLETE_COLOUR,
    INCOMPLETE_OPACITY,
    INCOMPLETE_PATTERN,
    TOTAL_COLOUR,
    company_colour,
)

#: The CSV columns of the total line and of an incomplete quarter's partial sum.
TOTAL_COLUMN: Final = "total"
PARTIAL_COLUMN: Final = "partial sum, incomplete quarter"
TOTAL_NAME: Final = "Total (quarters where every company reported)"
PARTIAL_NAME: Final = "Incomplete quarter: sum of the companies that reported (X of Y), not a total"


def capex_traces(
    records: Sequence[CapexRecord],
    totals: Sequence[CapexRecord],
    *,
    companies: Sequence[str] | None = None,
    colour_order: Sequence[str] | None = None,
    axis: Axis = "date",
    total_name: str = TOTAL_NAME,
    partial_name: str = PARTIAL_NAME,
) -> list[Any]:
    """Stacked bars per company (in ``companies`` order, else first appearance) by calendar
    quarter in $B, the ledger's total as a line where every company reported, and the
    incomplete quarters' partial sums (when more than one company is shown).

    ``colour_order`` is the order spare colours are handed out in (the dashboard passes every
    company in the store, so a company keeps its colour whichever are picked); ``total_name``
    and ``partial_name`` are the legend entries. The dashboard lays these traces out itself;
    ``capex_quarterly`` is the figure with the house layout.
    """
    order = (
        list(companies) if companies is not None else list(dict.fromkeys(r.ticker for r in records))
    )
    palette = list(colour_order) if colour_order is not None else order
    periods = sorted({r.calendar_period for r in records} | {r.calendar_period for r in totals})
    coverage = {c.period: c for c in quarter_coverage(records, order)}
    incomplete = [p for p in periods if p in coverage and not coverage[p].complete]
    faded = [p in incomplete for p in periods]
    x = quarter_x(periods, axis)
    traces: list[Any] = []
    for ticker in order:
        by_period = {r.calendar_period: r for r in records if r.ticker == ticker}
        notes = [
            (by_period[p].gap or "") if p in by_period and by_period[p].value_usd is None else ""
            for p in periods
        ]
        state = [coverage[p].label if p in coverage else "" for p in periods]
        traces.append(
            go.Bar(
                **x,
                name=ticker,
                y=[billions(by_period[p].value_usd) if p in by_period else None for p in periods],
                marker={
                    "color": company_colour(ticker, palette),
                    "opacity": [INCOMPLETE_OPACITY if f else 1.0 for f in faded],
                    "pattern": {"shape": [INCOMPLETE_PATTERN if f else "" for f in faded]},
                },
                customdata=[[p, n, c] for p, n, c in zip(periods, notes, state, strict=True)],
                hovertemplate=(
                    f"{ticker} %{{customdata[0]}}: $%{{y:,.1f}}B (%{{customdata[2]}})"
                    "<extra></extra>"
                ),
                meta={"column": ticker},
            )
        )
    if totals:
        total_by = {r.calendar_period: r.value_usd for r in totals}
        traces.append(
            go.Scatter(
                **x,
                name=total_name,
                # Only complete quarters: a total over the companies that reported is not a total.
                y=[
                    None if f else billions(total_by.get(p))
                    for p, f in zip(periods, faded, strict=True)
                ],
                mode="lines+markers",
                line={"color": TOTAL_COLOUR, "width": 2},
                customdata=periods,
                hovertemplate="Total %{customdata}: $%{y:,.1f}B<extra></extra>",
                connectgaps=False,
                meta={"column": TOTAL_COLUMN, "role": "total"},
            )
        )
    if incomplete and len(order) > 1:
        parts = [coverage[p] for p in incomplete]
        traces.append(
            go.Scatter(
                **quarter_x(incomplete, axis),
                name=partial_name,
                y=[billions(c.partial_usd) for c in parts],
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
                meta={
                    "column": PARTIAL_COLUMN,
                    "role": "incomplete",
                    "labels": [c.label for c in parts],
                },
            )
        )
    return traces


def capex_quarterly(
    records: Sequence[CapexRecord],
    totals: Sequence[CapexRecord],
    plans: Sequence[GuidanceRow] = (),
    *,
    basis: str,
    deepseek: bool = True,
) -> Any:
    """``capex_traces`` on a date axis with the house layout, DeepSeek R1's release
    (``deepseek``) and a triangle on each plan's announcement day (``plans``)."""
    order = list(dict.fromkeys(r.ticker for r in records))
    fig = go.Figure(data=capex_traces(records, totals, companies=order))
    if deepseek:
        deepseek_marker(fig)
    plan_markers(fig, plans, order)
    page_layout(
        fig,
        height=520,
        barmode="stack",
        xaxis=quarter_axis("date"),
        yaxis={"title": {"text": f"Capex, {basis} basis ($B per quarter)"}, "rangemode": "tozero"},
        yaxis2=MARKER_AXIS,
    )
    return fig
