"""Plotly figures for the dashboard, and the CSV of what a figure shows.

The figures are built from the analyses' own results (a ``SimulationResult``, a ``CapexResult``)
and nothing else, by the same functions the report draws them with (``jevons._figures``); this
module gives them the dashboard's layout. Every trace says which CSV column it is
(``meta["column"]``) and every figure its value unit (``layout.meta["unit"]``): the "Download
CSV" button exports exactly the numbers on screen, in the units on the axis, from the figure
the browser holds, with no second computation that could disagree with the chart.
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

from jevons._capex.ledger import CapexResult
from jevons._figures.capex import capex_traces
from jevons._figures.fan import FanColours, FanNames, FanNumber, fan_traces
from jevons._figures.layout import BILLION
from jevons._simulate.montecarlo import SimulationResult
from jevons.safe_output import safe_frame


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

_FAN_NAMES: Final = FanNames("p05-p95 (90% of paths)", "p25-p75", "median (p50)")
_CSV_COLUMNS: Final = ("p05", "p25", "p50", "p75", "p95")


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

    The traces are the report's fan (``jevons._figures.fan``) on a category axis of quarter
    labels; this function adds the dashboard's layout. ``label`` names the scenario in the title
    (the result's own name by default); ``changed`` says it is a scenario the dashboard's
    sliders changed, so the title marks it on a line of its own rather than passing it off as
    the scenario the CLI and the report run.
    """
    spec = FAN_SPECS[output]
    # Hover values in the axis unit, which the axis title states (no $ or B here).
    number = FanNumber(".1%" if spec.percent else ".3g" if spec.log else ",.1f", "", "")
    traces = fan_traces(
        result.periods,
        result.series[output],
        scale=spec.scale,
        colours=FanColours.from_hex(spec.colour),
        names=_FAN_NAMES,
        number=number,
        axis="category",
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


def capex_figure(
    ledger: CapexResult, total: CapexResult | None, tickers_in_store: Sequence[str]
) -> go.Figure:
    """Quarterly capex per company as stacked bars in $B, one colour per company, and the total.

    The traces are the report's capex chart (``jevons._figures.capex``) on a category axis of
    quarter labels: ``total`` (the ledger's own, ``capex(..., total=True)``) is drawn only for
    quarters in which every selected company has a value, and an incomplete quarter is faded
    and hatched with its partial sum marked. This function adds the dashboard's layout.
    """
    traces = capex_traces(
        ledger.records,
        total.records if total is not None else (),
        companies=ledger.companies,
        colour_order=tickers_in_store,
        axis="category",
        total_name="total",
        partial_name="incomplete quarter: partial sum (X of Y companies), not a total",
    )
    columns = [str(t.meta["column"]) for t in traces]
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
