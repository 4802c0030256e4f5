"""The quantile fan: one function draws every fan of jevons, in the report and the dashboard.

A fan shows, per quarter, the p05-p95 and p25-p75 bands across simulated paths and the median,
optionally with the ledger's actual totals as crosses. Each band is drawn as its upper edge
(no legend, no hover) and then its lower edge filled up to it ("tonexty"), so the band's one
legend entry and one hover line ("p05-p95: $a to $b") belong to the filled trace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import plotly.graph_objects as go  # type: ignore[import-untyped]

from jevons._figures.layout import BILLION, Axis, page_layout, quarter_axis, quarter_x
from jevons._figures.markers import deepseek_marker
from jevons.palette import TOTAL_COLOUR


@dataclass(frozen=True)
class FanColours:
    """Fill of the outer (p05-p95) and inner (p25-p75) band, and the median line's colour."""

    outer: str
    inner: str
    median: str

    @classmethod
    def from_hex(cls, colour: str, outer: float = 0.18, inner: float = 0.35) -> FanColours:
        """Both bands in one hue at two opacities, the median in the full colour."""
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return cls(f"rgba({r},{g},{b},{outer})", f"rgba({r},{g},{b},{inner})", colour)


@dataclass(frozen=True)
class FanNames:
    """Legend names of the two bands and the median."""

    outer: str = "p05-p95"
    inner: str = "p25-p75"
    median: str = "Median (p50)"


@dataclass(frozen=True)
class FanNumber:
    """How a value is shown on hover: a d3 format between a prefix and a suffix ($ and B)."""

    spec: str = ",.1f"
    prefix: str = "$"
    suffix: str = "B"

    def of(self, field: str) -> str:
        return f"{self.prefix}%{{{field}:{self.spec}}}{self.suffix}"


#: The scenario fans (``jevons simulate``) and the statistical forecast (``jevons forecast``)
#: are different models: their fans never share a colour.
SCENARIO_COLOURS: Final = FanColours("rgba(0,114,178,0.15)", "rgba(0,114,178,0.35)", "#0B4F7A")
FORECAST_COLOURS: Final = FanColours("rgba(213,94,0,0.15)", "rgba(213,94,0,0.35)", "#8A3B00")
#: The CSV column of the actual totals drawn over a fan.
ACTUAL_COLUMN: Final = "actual total"


def fan_traces(
    periods: Sequence[str],
    quantiles: Mapping[str, Sequence[float]],
    *,
    scale: float = BILLION,
    colours: FanColours = SCENARIO_COLOURS,
    names: FanNames = FanNames(),
    number: FanNumber = FanNumber(),
    axis: Axis = "date",
    history: Sequence[tuple[str, float]] = (),
) -> list[Any]:
    """The traces of the fan of ``quantiles`` (p05, p25, p50, p75, p95 per period, divided by
    ``scale``) over the quarter labels ``periods``, with ``history`` (label, USD) as crosses.

    Traces come in the order p95, p05, p75, p25, p50 (then the actual totals), each with
    ``meta["column"]`` set to its quantile, so a CSV of the figure has one column per quantile.
    The dashboard lays these out itself; ``quantile_fan`` is the figure with the house layout.
    """
    x = quarter_x(periods, axis)
    scaled = {k: [v / scale for v in quantiles[k]] for k in ("p05", "p25", "p50", "p75", "p95")}
    traces: list[Any] = []
    for upper, lower, fill, name in (
        ("p95", "p05", colours.outer, names.outer),
        ("p75", "p25", colours.inner, names.inner),
    ):
        traces.append(
            go.Scatter(
                **x,
                y=scaled[upper],
                mode="lines",
                name=upper,
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
                legendgroup=name,
                meta={"column": upper},
            )
        )
        traces.append(
            go.Scatter(
                **x,
                y=scaled[lower],
                mode="lines",
                name=name,
                line={"width": 0},
                fill="tonexty",
                fillcolor=fill,
                customdata=[[v] for v in scaled[upper]],
                hovertemplate=(
                    f"{name}: {number.of('y')} to {number.of('customdata[0]')}<extra></extra>"
                ),
                legendgroup=name,
                meta={"column": lower},
            )
        )
    traces.append(
        go.Scatter(
            **x,
            y=scaled["p50"],
            name=names.median,
            mode="lines+markers",
            line={"color": colours.median, "width": 2.5},
            customdata=list(periods),
            hovertemplate=(
                f"%{{customdata}} {names.median.split(' (')[0].lower()}: "
                f"{number.of('y')}<extra></extra>"
            ),
            meta={"column": "p50"},
        )
    )
    if history:
        traces.append(actual_totals(history, axis=axis))
    return traces


def quantile_fan(
    periods: Sequence[str],
    quantiles: Mapping[str, Sequence[float]],
    *,
    colours: FanColours = SCENARIO_COLOURS,
    names: FanNames = FanNames(),
    history: Sequence[tuple[str, float]] = (),
    y_title: str = "",
    y_max: float | None = None,
    deepseek: bool = False,
) -> Any:
    """The fan of USD ``quantiles`` in $B on a date axis with the house layout (the report's
    scenario and forecast fans); ``deepseek`` marks DeepSeek R1's release."""
    fig = go.Figure(
        data=fan_traces(periods, quantiles, colours=colours, names=names, history=history)
    )
    if deepseek:
        deepseek_marker(fig)
    yaxis: dict[str, Any] = {"title": {"text": y_title}, "rangemode": "tozero"}
    if y_max is not None:
        yaxis["range"] = [0, y_max]
    page_layout(fig, height=440, xaxis=quarter_axis("date"), yaxis=yaxis)
    return fig


def actual_totals(history: Sequence[tuple[str, float]], *, axis: Axis = "date") -> Any:
    """The ledger's actual total capex (label, USD) as crosses over a fan."""
    labels = [label for label, _ in history]
    return go.Scatter(
        **quarter_x(labels, axis),
        name="Actual total (ledger, gross)",
        y=[v / BILLION for _, v in history],
        mode="markers",
        marker={"color": TOTAL_COLOUR, "size": 7, "symbol": "x"},
        customdata=labels,
        hovertemplate="%{customdata} actual: $%{y:,.1f}B<extra></extra>",
        meta={"column": ACTUAL_COLUMN},
    )
