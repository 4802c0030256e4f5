"""Plotly figures for the dashboard, and the CSV of what a figure shows.

The figures are built from the analyses' own results (a ``SimulationResult``, a ``CapexResult``)
and nothing else, so a static report can draw the same charts from the same functions. Every
trace says which CSV column it is (``meta["column"]``) and every figure its value unit
(``layout.meta["unit"]``): the "Download CSV" button exports exactly the numbers on screen, in
the units on the axis, from the figure the browser holds, with no second computation that could
disagree with the chart.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go  # type: ignore[import-untyped]

from jevons._capex.coverage import quarter_coverage
from jevons._capex.ledger import TOTAL, CapexResult
from jevons._simulate.montecarlo import SimulationResult
from jevons.palette import (
    INCOMPLETE_COLOUR,
    INCOMPLETE_OPACITY,
    INCOMPLETE_PATTERN,
    TOTAL_COLOUR,
    company_colour,
)
from jevons.safe_output import safe_frame

BILLION: Final = 1e9


@dataclass(frozen=True)
class FanSpec:
    """How one simulator output is drawn: the scale turns model units into the axis unit."""

    output: str
    title: str
    axis: str
    unit: str
    scale: float = 1.0
    log: bool = False
    percent: bool = False
    colour: str = "#0072B2"


FAN_SPECS: Final[dict[str, FanSpec]] = {
    spec.output: spec
    for spec in (
        FanSpec(
            "capex_usd",
            "Capex",
            "capex ($B per quarter)",
            "$B per quarter",
            scale=BILLION,
            colour="#0072B2",
        ),
        FanSpec(
            "revenue_usd",
            "Revenue (AI compute served)",
            "revenue ($B per quarter)",
            "$B per quarter",
            scale=BILLION,
            colour="#009E73",
        ),
        FanSpec(
            "price",
            "Price of AI compute",
            "price index (start = 1, log scale)",
            "index, start = 1",
            log=True,
            colour="#D55E00",
        ),
        FanSpec(
            "utilization",
            "Utilization",
            "utilization (share of capacity)",
            "share of capacity",
            percent=True,
            colour="#CC79A7",
        ),
    )
}

# The bands are drawn outer edge first, then the edge filled towards it ("tonexty").
_BANDS: Final = (("p95", "p05", 0.18, "p05-p95 (90% of paths)"), ("p75", "p25", 0.35, "p25-p75"))
_CSV_COLUMNS: Final = ("p05", "p25", "p50", "p75", "p95")


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _base_layout(title: str, axis: str, unit: str, columns: Sequence[str]) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "xaxis": {"title": {"text": "quarter"}, "type": "category"},
        "yaxis": {"title": {"text": axis}},
        "hovermode": "x unified",
        "margin": {"l": 70, "r": 20, "t": 50, "b": 50},
        "legend": {"orientation": "h", "y": -0.2},
        "template": "plotly_white",
        "meta": {"unit": unit, "columns": list(columns)},
    }


def fan_figure(
    result: SimulationResult, output: str, *, label: str | None = None, changed: bool = False
) -> go.Figure:
    """A fan chart of one output: the 90% and 50% bands across paths and the median.

    ``label`` names the scenario in the title (the result's own name by default); ``changed``
    says it is a scenario the dashboard's sliders changed, so the title marks it on a line of
    its own rather than passing it off as the scenario the CLI and the report run.
    """
    spec = FAN_SPECS[output]
    periods = list(result.periods)
    qs = result.series[output]
    number = "%{y:.1%}" if spec.percent else ("%{y:.3g}" if spec.log else "%{y:,.1f}")

    def trace(label: str, mode: str = "lines", **style: Any) -> go.Scatter:
        return go.Scatter(
            x=periods,
            y=[v / spec.scale for v in qs[label]],
            mode=mode,
            meta={"column": label},
            hovertemplate=f"{label}: {number}<extra></extra>",
            **style,
        )

    traces: list[go.Scatter] = []
    for upper, lower, alpha, band in _BANDS:
        fill = _rgba(spec.colour, alpha)
        traces.append(trace(upper, name=upper, line={"width": 0}, showlegend=False))
        traces.append(trace(lower, name=band, line={"width": 0}, fill="tonexty", fillcolor=fill))
    traces.append(
        trace(
            "p50",
            name="median (p50)",
            mode="lines+markers",
            line={"width": 2.5, "color": spec.colour},
        )
    )
    name = label or result.scenario
    title = f"{spec.title}: {name}, {result.paths:,} paths"
    if changed:
        title = (
            f"{spec.title}: {name}<br><sup>{result.paths:,} paths; sliders not moved keep the "
            "scenario's values</sup>"
        )
    layout = _base_layout(title, spec.axis, spec.unit, _CSV_COLUMNS)
    if changed:
        layout["margin"]["t"] = 80
    if spec.log:
        layout["yaxis"]["type"] = "log"
    if spec.percent:
        layout["yaxis"]["tickformat"] = ".0%"
    return go.Figure(data=traces, layout=layout)


#: The CSV column of an incomplete quarter's partial sum (``capex_figure``).
PARTIAL_COLUMN: Final = "partial sum, incomplete quarter"


def capex_figure(
    ledger: CapexResult, total: CapexResult | None, tickers_in_store: Sequence[str]
) -> go.Figure:
    """Quarterly capex per company as stacked bars in $B, one colour per company, and the total.

    ``total`` is the ledger's own total (``capex(..., total=True)``), drawn only for quarters in
    which every selected company has a value: a total over a gap would be a wrong number. A
    quarter in which some company has no value (``jevons._capex.coverage``: not reported yet, or
    a gap) is drawn apart: faded, hatched bars and an open circle at the partial sum labelled
    "incomplete: X of Y companies reported", so that late reporters never look like a fall.
    """
    coverage = {c.period: c for c in quarter_coverage(ledger.records, ledger.companies)}

    def incomplete(period: str) -> bool:
        return period in coverage and not coverage[period].complete

    traces: list[go.Bar | go.Scatter] = []
    for ticker in ledger.companies:
        rows = sorted((r for r in ledger.records if r.ticker == ticker), key=lambda r: r.period)
        colour = company_colour(ticker, tickers_in_store)
        faded = [incomplete(r.calendar_period) for r in rows]
        traces.append(
            go.Bar(
                x=[r.period for r in rows],
                y=[None if r.value_usd is None else r.value_usd / BILLION for r in rows],
                name=ticker,
                marker={
                    "color": colour,
                    "opacity": [INCOMPLETE_OPACITY if f else 1.0 for f in faded],
                    "pattern": {"shape": [INCOMPLETE_PATTERN if f else "" for f in faded]},
                },
                customdata=[
                    coverage[r.calendar_period].label if r.calendar_period in coverage else ""
                    for r in rows
                ],
                hovertemplate=f"{ticker}: $%{{y:,.1f}}B (%{{customdata}})<extra></extra>",
                meta={"column": ticker},
            )
        )
    columns = list(ledger.companies)
    if total is not None and total.records:
        rows = sorted((r for r in total.records if r.ticker == TOTAL), key=lambda r: r.period)
        traces.append(
            go.Scatter(
                x=[r.period for r in rows],
                y=[
                    None
                    if r.value_usd is None or incomplete(r.calendar_period)
                    else r.value_usd / BILLION
                    for r in rows
                ],
                name="total",
                mode="lines+markers",
                line={"color": TOTAL_COLOUR, "width": 2},
                meta={"column": "total"},
            )
        )
        columns.append("total")
    partial = [c for c in coverage.values() if not c.complete]
    if partial and len(ledger.companies) > 1:
        traces.append(
            go.Scatter(
                x=[c.period for c in partial],
                y=[c.partial_usd / BILLION for c in partial],
                name="incomplete quarter: partial sum (X of Y companies), not a total",
                mode="markers+text",
                marker={
                    "symbol": "circle-open",
                    "size": 9,
                    "color": INCOMPLETE_COLOUR,
                    "line": {"width": 2},
                },
                text=[f"{len(c.reported)} of {c.expected}" for c in partial],
                textposition="top center",
                textfont={"size": 10, "color": INCOMPLETE_COLOUR},
                customdata=[[c.label, c.why] for c in partial],
                hovertemplate=(
                    "%{customdata[0]}: partial sum $%{y:,.1f}B<br>%{customdata[1]}<extra></extra>"
                ),
                meta={"column": PARTIAL_COLUMN, "labels": [c.label for c in partial]},
            )
        )
        columns.append(PARTIAL_COLUMN)
    layout = _base_layout(
        f"Capex by quarter, basis {ledger.basis}",
        "capex ($B per quarter)",
        "$B per quarter",
        columns,
    )
    layout["barmode"] = "stack"
    layout["xaxis"]["categoryorder"] = "category ascending"
    return go.Figure(data=traces, layout=layout)


def empty_figure(message: str) -> go.Figure:
    """A blank chart that says why it is blank, instead of an empty frame."""
    return go.Figure(
        layout={
            "template": "plotly_white",
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "annotations": [
                {"text": message, "showarrow": False, "xref": "paper", "yref": "paper"}
            ],
            "meta": {"unit": "", "columns": []},
        }
    )


# --- CSV -------------------------------------------------------------------------------------


def _array(raw: object) -> list[Any]:
    """A trace's x or y as a list, whichever form it arrived in.

    Plotly serialises numpy arrays as typed-array specs (``{"dtype": "f8", "bdata": ...}``), so a
    figure that went to the browser and back may hold those instead of lists.
    """
    if raw is None:
        return []
    if isinstance(raw, Mapping) and "bdata" in raw:
        data = np.frombuffer(base64.b64decode(str(raw["bdata"])), dtype=np.dtype(raw["dtype"]))
        if "shape" in raw:
            data = data.reshape([int(s) for s in str(raw["shape"]).split(",")])
        return [float(v) if data.dtype.kind == "f" else v for v in data.tolist()]
    if isinstance(raw, np.ndarray | pd.Series | pd.Index):
        return list(raw.tolist())
    if isinstance(raw, list | tuple):
        return list(raw)
    return [raw]


def figure_frame(figure: go.Figure | Mapping[str, Any]) -> pd.DataFrame:
    """The numbers a figure shows: one row per x value (quarter), one column per trace.

    Column names carry the figure's value unit: ``p50 ($B per quarter)``. A point missing from
    a trace (a gap in the ledger) is left empty, never filled.
    """
    fig = figure.to_plotly_json() if isinstance(figure, go.Figure) else dict(figure)
    layout = fig.get("layout") or {}
    meta = layout.get("meta") or {}
    unit = str(meta.get("unit", "")) if isinstance(meta, Mapping) else ""
    columns: list[pd.Series] = []
    for i, trace in enumerate(fig.get("data") or []):
        trace_meta = trace.get("meta")
        name = (
            trace_meta.get("column")
            if isinstance(trace_meta, Mapping) and "column" in trace_meta
            else trace.get("name") or f"trace {i}"
        )
        x, y = _array(trace.get("x")), _array(trace.get("y"))
        values = [math.nan if v is None else float(v) for v in y]
        columns.append(pd.Series(values, index=pd.Index(x, name="period"), name=str(name)))
    if not columns:
        return pd.DataFrame(index=pd.Index([], name="period"))
    frame = pd.concat(columns, axis=1).sort_index()
    wanted = [c for c in (meta.get("columns") or []) if c in frame.columns]
    frame = frame[wanted + [c for c in frame.columns if c not in wanted]]
    if unit:
        frame.columns = [f"{c} ({unit})" for c in frame.columns]
    frame.index.name = "period"
    return frame


def figure_csv(figure: go.Figure | Mapping[str, Any]) -> str:
    """``figure_frame`` as CSV text with the period as the first column.

    Trace names (a filer's name) and periods come from the page, so any that a spreadsheet
    would run as a formula are quoted (``safe_frame``).
    """
    frame = safe_frame(figure_frame(figure))
    return str(frame.to_csv(float_format="%.8g", lineterminator="\n"))
