"""Dates drawn over the quarterly charts: DeepSeek R1's release and capex plan announcements.

They answer "what might have moved spending here?" without a second chart: a dashed line on
2025-01-20 and, near the top of the plot, a triangle per announced plan on its announcement
day (on a hidden second y axis from 0 to 1, so the triangles never rescale the $B axis).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Final

import plotly.graph_objects as go  # type: ignore[import-untyped]

from jevons._capex.guidance import GuidanceRow, money_range
from jevons.palette import company_colour

DEEPSEEK_R1: Final = date(2025, 1, 20)
#: The hidden axis the plan triangles sit on: add it to a layout that shows ``plan_markers``.
MARKER_AXIS: Final[dict[str, Any]] = {
    "overlaying": "y",
    "range": [0, 1],
    "visible": False,
    "fixedrange": True,
}


def reference_line(fig: Any, x: object, text: str, *, colour: str, **label: Any) -> None:
    """A dashed vertical line across the plot at ``x`` with its label (``label`` places it):
    a date the reader should see, or a threshold such as unit elasticity."""
    fig.add_shape(
        type="line",
        x0=x,
        x1=x,
        y0=0,
        y1=1,
        xref="x",
        yref="paper",
        line={"color": colour, "dash": "dash", "width": 1.5},
    )
    fig.add_annotation(x=x, xref="x", yref="paper", text=text, showarrow=False, **label)


def deepseek_marker(fig: Any) -> None:
    """A dashed vertical line and a label on DeepSeek R1's release day (date axes only)."""
    reference_line(
        fig,
        DEEPSEEK_R1.isoformat(),
        "DeepSeek R1 released<br>2025-01-20 ",
        colour="#555555",
        y=0.99,
        xanchor="right",
        yanchor="top",
        align="right",
        font={"size": 11, "color": "#333333"},
        bgcolor="rgba(255,255,255,0.8)",
    )


def plan_markers(fig: Any, plans: Sequence[GuidanceRow], order: Sequence[str]) -> None:
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
                text=[plan_text(p) for p in rows],
                hovertemplate="%{text}<extra></extra>",
                legendgroup="plans",
                showlegend=k == 0,
                meta={"column": f"plan announced ({ticker})"},
            )
        )


def plan_text(p: GuidanceRow) -> str:
    """A plan in one hover line: who, when, which period, the guided range, and where said."""
    guided = money_range(p.low_usd, p.high_usd)
    return f"{p.ticker} {p.announced_on}: {p.period_label} plan {guided}<br>{p.speaker_or_document}"
